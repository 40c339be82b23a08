package ai.dexto.gateway.common.usage;

import java.util.HashMap;
import java.util.Map;

/**
 * Interns the few distinct strings a journal repeats (node ids, user ids, model ids) so a reader does
 * not allocate a new String per event. Bounded: past {@code maxEntries} it starts over. Not thread-safe;
 * one per reader thread.
 */
public final class StringCache {
    private final int maxEntries;
    private final Map<CharSequenceKey, String> entries = new HashMap<>();
    private final CharSequenceKey probe = new CharSequenceKey();
    private final StringBuilder scratch = new StringBuilder(64);

    public StringCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    StringBuilder scratch() {
        return scratch;
    }

    public String intern(CharSequence chars) {
        probe.set(chars);
        String found = entries.get(probe);
        if (found != null) {
            return found;
        }
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        String s = chars.toString();
        CharSequenceKey key = new CharSequenceKey();
        key.set(s);
        entries.put(key, s);
        return s;
    }

    /** A map key that compares by content, so a builder can probe for a String. */
    private static final class CharSequenceKey {
        private CharSequence chars;
        private int hash;

        void set(CharSequence c) {
            chars = c;
            int h = 0;
            for (int i = 0; i < c.length(); i++) {
                h = 31 * h + c.charAt(i);
            }
            hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof CharSequenceKey)) {
                return false;
            }
            CharSequence other = ((CharSequenceKey) o).chars;
            if (other.length() != chars.length()) {
                return false;
            }
            for (int i = 0; i < chars.length(); i++) {
                if (other.charAt(i) != chars.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
