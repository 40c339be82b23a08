package ai.dexto.gateway.dataplane.auth;

import ai.dexto.gateway.common.apikey.ApiKeys;
import io.netty.util.concurrent.FastThreadLocal;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.zip.CRC32;

/**
 * Steps 1–2 of the lifecycle: {@code Authorization: Bearer dxt_…} → format and checksum (no lookup for
 * a malformed key) → SHA-256 → cache. Each thread owns its CRC, digest, scratch bytes and probe, so
 * the whole check allocates nothing.
 */
public final class Authenticator {
    private static final String BEARER = "Bearer ";

    /** Per-thread scratch; {@link #hash} and {@link #entry} hold the last call's result. */
    public static final class Scratch {
        final CRC32 crc = new CRC32();
        final MessageDigest digest = ApiKeys.newSha256();
        final byte[] out = new byte[32];
        final KeyHash probe = new KeyHash();
        final Window window = new Window();
        byte[] ascii = new byte[64];
        KeyEntry entry;

        public KeyHash hash() {
            return probe;
        }

        public KeyEntry entry() {
            return entry;
        }
    }

    private final KeyCache cache;
    private final FastThreadLocal<Scratch> scratch = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    public Authenticator(KeyCache cache) {
        this.cache = cache;
    }

    public Scratch scratch() {
        return scratch.get();
    }

    /** Checks an {@code Authorization} header value; the entry (if any) is left in {@code s}. */
    public AuthResult authenticate(String authorization, Scratch s) {
        s.entry = null;
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return authorization == null ? AuthResult.MISSING : AuthResult.MALFORMED;
        }
        Window key = s.window.over(authorization, BEARER.length());
        if (!ApiKeys.isWellFormed(key, s.crc)) {
            return AuthResult.MALFORMED;
        }
        hash(key, s);
        KeyEntry entry = cache.get(s.probe);
        if (entry == null) {
            return cache.knownUnknown(s.probe) ? AuthResult.UNKNOWN : AuthResult.MISS;
        }
        s.entry = entry;
        return entry.active() ? AuthResult.OK : AuthResult.REVOKED;
    }

    private static void hash(CharSequence key, Scratch s) {
        MessageDigest d = s.digest;
        d.reset();
        int n = key.length();
        if (s.ascii.length < n) {
            s.ascii = new byte[n];
        }
        // one bulk update: a well-formed key is ASCII, and update(byte) costs a call per byte
        for (int i = 0; i < n; i++) {
            s.ascii[i] = (byte) key.charAt(i);
        }
        d.update(s.ascii, 0, n);
        try {
            d.digest(s.out, 0, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        s.probe.set(s.out);
    }

    /** A reusable view of a suffix of a String (the key after "Bearer "), trimmed of trailing spaces. */
    static final class Window implements CharSequence {
        private String s;
        private int from;
        private int to;

        Window over(String value, int start) {
            s = value;
            from = start;
            int end = value.length();
            while (end > start && value.charAt(end - 1) == ' ') {
                end--;
            }
            to = end;
            return this;
        }

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            return s.charAt(from + index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return s.substring(from + start, from + end);
        }

        @Override
        public String toString() {
            return s.substring(from, to);
        }
    }
}
