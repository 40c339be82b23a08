package ai.dexto.gateway.sim.provisioning;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
 * A persistent store also keeps them in a file, as OpenRouter keeps keys across our restarts: written
 * on every create, update and delete, and with the keys' usage on {@link #save()} (the sim's close).
 */
public final class KeyStore {
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, ProvisionedKey> byPlaintext = new ConcurrentHashMap<>();
    private final Map<String, ProvisionedKey> byHash = new ConcurrentHashMap<>();
    private final Map<String, String> plaintextByHash = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Path stateFile;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** Keys in memory only. */
    public KeyStore(Clock clock) {
        this(clock, null);
    }

    private KeyStore(Clock clock, Path stateFile) {
        this.clock = clock;
        this.stateFile = stateFile;
    }

    /** Keys kept in {@code stateFile}: the ones saved there are loaded now. */
    public static KeyStore persistent(Clock clock, Path stateFile) {
        KeyStore store = new KeyStore(clock, stateFile);
        if (Files.exists(stateFile)) {
            try {
                for (Map<String, Object> saved : store.json.readValue(stateFile.toFile(),
                        new TypeReference<List<Map<String, Object>>>() { })) {
                    store.put(ProvisionedKey.restore(saved), (String) saved.get("key"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the saved keys in " + stateFile, e);
            }
        }
        return store;
    }

    /** Writes every key, with its plaintext and usage, to the state file (owner-only); no-op in memory. */
    public synchronized void save() {
        if (stateFile == null) {
            return;
        }
        List<Map<String, Object>> saved = new ArrayList<>();
        for (ProvisionedKey key : list()) {
            Map<String, Object> entry = key.toJson();
            entry.remove("limit_remaining");
            entry.put("key", plaintextByHash.get(key.hash()));
            saved.add(entry);
        }
        try {
            Files.createDirectories(stateFile.getParent());
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            json.writeValue(tmp.toFile(), saved);
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the keys to " + stateFile, e);
        }
    }

    private void put(ProvisionedKey key, String plaintext) {
        byHash.put(key.hash(), key);
        plaintextByHash.put(key.hash(), plaintext);
        byPlaintext.put(plaintext, key);
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
        put(key, plaintext);
        save();
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
        save();
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
        save();
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
