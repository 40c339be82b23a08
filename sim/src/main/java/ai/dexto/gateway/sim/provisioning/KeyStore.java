package ai.dexto.gateway.sim.provisioning;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every key minted through {@code POST /keys} or {@link #create}. Looked up by plaintext on each chat
 * request (one hash-map probe, no hashing on the hot path) and by hash for the provisioning API.
 */
public final class KeyStore {
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, ProvisionedKey> byPlaintext = new ConcurrentHashMap<>();
    private final Map<String, ProvisionedKey> byHash = new ConcurrentHashMap<>();
    private final Map<String, String> plaintextByHash = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public KeyStore(Clock clock) {
        this.clock = clock;
    }

    /** A minted key and its plaintext, which is shown once, like OpenRouter's {@code "key"} field. */
    public record Minted(ProvisionedKey key, String plaintext) {
    }

    public Minted create(String name, BigDecimal limit, boolean includeByokInLimit, String limitReset) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String plaintext = "sk-or-v1-" + HEX.formatHex(secret);
        String hash = sha256Hex(plaintext);
        String label = plaintext.substring(0, 12) + "..." + plaintext.substring(plaintext.length() - 3);
        ProvisionedKey key = new ProvisionedKey(hash, label, name, limit, includeByokInLimit, limitReset,
                clock.instant());
        byHash.put(hash, key);
        plaintextByHash.put(hash, plaintext);
        byPlaintext.put(plaintext, key);
        return new Minted(key, plaintext);
    }

    /** The key a bearer token names, or null (unknown or deleted). */
    public ProvisionedKey findByPlaintext(String plaintext) {
        return plaintext == null ? null : byPlaintext.get(plaintext);
    }

    public ProvisionedKey findByHash(String hash) {
        return byHash.get(hash);
    }

    public List<ProvisionedKey> list() {
        List<ProvisionedKey> keys = new ArrayList<>(byHash.values());
        keys.sort(Comparator.comparing(ProvisionedKey::hash));
        return keys;
    }

    public boolean update(String hash, Map<String, Object> fields) {
        ProvisionedKey key = byHash.get(hash);
        if (key == null) {
            return false;
        }
        key.update(fields, clock.instant());
        return true;
    }

    public boolean delete(String hash) {
        ProvisionedKey key = byHash.remove(hash);
        if (key == null) {
            return false;
        }
        String plaintext = plaintextByHash.remove(hash);
        if (plaintext != null) {
            byPlaintext.remove(plaintext);
        }
        return true;
    }

    static BigDecimal decimalOrNull(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        BigDecimal decimal = new BigDecimal(value.toString());
        if (decimal.signum() < 0) {
            throw new IllegalArgumentException("limit must not be negative");
        }
        return decimal;
    }

    static String sha256Hex(String text) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
