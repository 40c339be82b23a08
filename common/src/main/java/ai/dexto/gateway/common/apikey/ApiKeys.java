package ai.dexto.gateway.common.apikey;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.zip.CRC32;

/**
 * The {@code DEXTO_API_KEY} format: {@code dxt_} + 43 base62 characters of 32 random bytes + 6 base62
 * characters of the CRC32 of those 43 characters. The checksum lets the gateway refuse a mistyped or
 * made-up key without any lookup; the entropy makes the key unguessable. Keys are stored only as the
 * lowercase hex SHA-256 of the whole key string.
 */
public final class ApiKeys {
    public static final String PREFIX = "dxt_";
    static final int BODY_LENGTH = 43;     // ceil(256 / log2(62))
    static final int CHECKSUM_LENGTH = 6;  // 62^6 > 2^32
    public static final int LENGTH = PREFIX.length() + BODY_LENGTH + CHECKSUM_LENGTH;
    public static final int DISPLAY_LENGTH = 4;

    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ApiKeys() {
    }

    /** Mints a new key. Called on the control plane only; the plaintext is returned to the user once. */
    public static String generate(SecureRandom random) {
        byte[] entropy = new byte[32];
        random.nextBytes(entropy);
        char[] key = new char[LENGTH];
        PREFIX.getChars(0, PREFIX.length(), key, 0);
        BigInteger n = new BigInteger(1, entropy);
        for (int i = PREFIX.length() + BODY_LENGTH - 1; i >= PREFIX.length(); i--) {
            BigInteger[] qr = n.divideAndRemainder(SIXTY_TWO);
            key[i] = BASE62[qr[1].intValue()];
            n = qr[0];
        }
        writeChecksum(key, checksumOfBody(key));
        return new String(key);
    }

    /**
     * Format and checksum check, without allocating when {@code crc} is reused (one per thread). A key
     * that fails here is refused before any hash or lookup.
     */
    public static boolean isWellFormed(CharSequence key, CRC32 crc) {
        if (key == null || key.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < PREFIX.length(); i++) {
            if (key.charAt(i) != PREFIX.charAt(i)) {
                return false;
            }
        }
        crc.reset();
        int body = PREFIX.length();
        for (int i = body; i < body + BODY_LENGTH; i++) {
            char c = key.charAt(i);
            if (base62Value(c) < 0) {
                return false;
            }
            crc.update(c);
        }
        long expected = crc.getValue();
        long actual = 0;
        for (int i = body + BODY_LENGTH; i < LENGTH; i++) {
            int v = base62Value(key.charAt(i));
            if (v < 0) {
                return false;
            }
            actual = actual * 62 + v;
        }
        return actual == expected;
    }

    public static boolean isWellFormed(CharSequence key) {
        return isWellFormed(key, new CRC32());
    }

    /** The last four characters, shown to users so they can tell their keys apart. */
    public static String display(String key) {
        return key.substring(key.length() - DISPLAY_LENGTH);
    }

    /** The stored form: lowercase hex SHA-256 of the key's ASCII bytes. */
    public static String hashHex(CharSequence key) {
        return toHex(sha256(key, newSha256()));
    }

    /**
     * SHA-256 of an ASCII key into a fresh 32-byte array using a caller-owned digest (one per thread on
     * the data plane). Keys are pure ASCII, so each char is one byte.
     */
    public static byte[] sha256(CharSequence key, MessageDigest digest) {
        digest.reset();
        for (int i = 0; i < key.length(); i++) {
            digest.update((byte) key.charAt(i));
        }
        return digest.digest();
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }

    public static String toHex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xF];
            out[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(out);
    }

    public static byte[] fromHex(String hex) {
        if (hex.length() % 2 != 0) {
            throw new IllegalArgumentException("odd-length hex");
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(hex.charAt(2 * i), 16);
            int lo = Character.digit(hex.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not hex");
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }

    private static long checksumOfBody(char[] key) {
        CRC32 crc = new CRC32();
        byte[] body = new String(key, PREFIX.length(), BODY_LENGTH).getBytes(StandardCharsets.US_ASCII);
        crc.update(body);
        return crc.getValue();
    }

    private static void writeChecksum(char[] key, long checksum) {
        for (int i = LENGTH - 1; i >= LENGTH - CHECKSUM_LENGTH; i--) {
            key[i] = BASE62[(int) (checksum % 62)];
            checksum /= 62;
        }
    }

    private static int base62Value(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 36;
        }
        return -1;
    }
}
