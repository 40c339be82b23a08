package ai.dexto.gateway.controlplane.device;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * User codes as RFC 8628 §6.1 suggests: 8 characters from 20 consonants (no vowels, so no words; no
 * 0/O or 1/I/L to misread), shown as {@code XXXX-XXXX}, about 34 bits. Input is forgiving: case, spaces
 * and dashes are ignored.
 */
final class UserCodes {
    static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
    static final int LENGTH = 8;

    private final SecureRandom random;

    UserCodes(SecureRandom random) {
        this.random = random;
    }

    /** A new code in its stored form (8 characters, no dash). */
    String next() {
        char[] code = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            code[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(code);
    }

    static String display(String stored) {
        return stored.substring(0, 4) + "-" + stored.substring(4);
    }

    /** The stored form of what a user typed, or null when it cannot be a code of ours. */
    static String normalise(String typed) {
        if (typed == null) {
            return null;
        }
        StringBuilder code = new StringBuilder(LENGTH);
        for (char c : typed.toUpperCase(Locale.ROOT).toCharArray()) {
            if (c == '-' || c == ' ') {
                continue;
            }
            if (ALPHABET.indexOf(c) < 0 || code.length() == LENGTH) {
                return null;
            }
            code.append(c);
        }
        return code.length() == LENGTH ? code.toString() : null;
    }
}
