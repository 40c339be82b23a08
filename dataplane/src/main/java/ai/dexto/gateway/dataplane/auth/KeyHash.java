package ai.dexto.gateway.dataplane.auth;

/**
 * A SHA-256 key hash as four longs: a map key that hashes and compares without touching a String.
 * Stored keys are immutable copies; each thread probes the cache with its own mutable instance, so a
 * lookup allocates nothing.
 */
public final class KeyHash {
    long a;
    long b;
    long c;
    long d;

    KeyHash() {
    }

    KeyHash(long a, long b, long c, long d) {
        this.a = a;
        this.b = b;
        this.c = c;
        this.d = d;
    }

    public static KeyHash ofHex(String hex) {
        if (hex == null || hex.length() != 64) {
            throw new IllegalArgumentException("key hash must be 64 hex characters");
        }
        return new KeyHash(hexLong(hex, 0), hexLong(hex, 16), hexLong(hex, 32), hexLong(hex, 48));
    }

    void set(byte[] digest) {
        a = longAt(digest, 0);
        b = longAt(digest, 8);
        c = longAt(digest, 16);
        d = longAt(digest, 24);
    }

    KeyHash copy() {
        return new KeyHash(a, b, c, d);
    }

    public String toHex() {
        return String.format("%016x%016x%016x%016x", a, b, c, d);
    }

    private static long longAt(byte[] bytes, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (bytes[off + i] & 0xFF);
        }
        return v;
    }

    private static long hexLong(String hex, int off) {
        return Long.parseUnsignedLong(hex.substring(off, off + 16), 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyHash k && k.a == a && k.b == b && k.c == c && k.d == d;
    }

    @Override
    public int hashCode() {
        return (int) (a ^ (a >>> 32));
    }
}
