package ai.dexto.gateway.cli.store;

import ai.dexto.gateway.cli.json.Json;
import ai.dexto.gateway.cli.json.JsonOut;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ~/.dexto/auth.json} (0600), with the field names of the TypeScript {@code dexto} CLI's auth
 * config, so either CLI reads the other's: {@code token} (the session), {@code userId}, {@code email},
 * {@code expiresAt} and {@code createdAt} (epoch milliseconds), {@code dextoApiKey}, {@code dextoKeyId},
 * {@code dextoApiKeySource} ({@code provisioned} | {@code user-supplied}). Unknown fields are kept.
 */
public final class AuthFile {
    private final Path file;

    public AuthFile(Path home) {
        this.file = home.resolve("auth.json");
    }

    public Path path() {
        return file;
    }

    /** The stored config, or an empty map when there is none (or it is unreadable). */
    public Map<String, Object> load() {
        String text = PrivateFiles.read(file);
        if (text == null || text.isBlank()) {
            return new LinkedHashMap<>();
        }
        try {
            return new LinkedHashMap<>(Json.object(text));
        } catch (RuntimeException e) {
            return new LinkedHashMap<>();
        }
    }

    public void save(Map<String, Object> config) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        JsonOut.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), numbersAsNumbers(config));
        PrivateFiles.write(file, bytes.toString(StandardCharsets.UTF_8));
    }

    public void delete() {
        PrivateFiles.delete(file);
    }

    /** The TypeScript CLI validates expiresAt/createdAt as numbers: keep them numbers, not strings. */
    private static Map<String, Object> numbersAsNumbers(Map<String, Object> config) {
        Map<String, Object> out = new LinkedHashMap<>();
        config.forEach((k, v) -> out.put(k, v instanceof java.math.BigDecimal d ? (Object) d.longValue() : v));
        return out;
    }
}
