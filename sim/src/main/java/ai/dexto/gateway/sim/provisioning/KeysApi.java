package ai.dexto.gateway.sim.provisioning;

import ai.dexto.gateway.sim.http.Responses;
import ai.dexto.gateway.sim.openrouter.OpenRouterErrors;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenRouter's provisioning API ({@code /api/v1/keys}), authenticated with the provisioning key. The
 * control plane mints one upstream key per user here and reads its spend back.
 */
public final class KeysApi {
    private static final ObjectReader BODY = Responses.MAPPER.readerFor(Map.class)
            .with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final KeyStore keys;

    public KeysApi(KeyStore keys) {
        this.keys = keys;
    }

    /** @param hash the path segment after {@code /keys/}, or null for {@code /keys} itself */
    public FullHttpResponse handle(FullHttpRequest request, String hash) {
        HttpMethod method = request.method();
        try {
            if (hash == null) {
                if (HttpMethod.GET.equals(method)) {
                    return list();
                }
                if (HttpMethod.POST.equals(method)) {
                    return create(readBody(request));
                }
            } else {
                if (HttpMethod.GET.equals(method)) {
                    return get(hash);
                }
                if (HttpMethod.PATCH.equals(method)) {
                    return patch(hash, readBody(request));
                }
                if (HttpMethod.DELETE.equals(method)) {
                    return delete(hash);
                }
            }
            return OpenRouterErrors.error(405, "Method not allowed");
        } catch (IllegalArgumentException e) {
            return OpenRouterErrors.error(400, e.getMessage());
        }
    }

    private FullHttpResponse list() {
        List<Map<String, Object>> data = keys.list().stream().map(ProvisionedKey::toJson).toList();
        return Responses.json(HttpResponseStatus.OK, Map.of("data", data));
    }

    private FullHttpResponse create(Map<String, Object> body) {
        Object name = body.get("name");
        if (!(name instanceof String) || ((String) name).isBlank()) {
            return OpenRouterErrors.error(400, "name is required");
        }
        BigDecimal limit = KeyStore.decimalOrNull(body.get("limit"));
        Object reset = body.get("limit_reset");
        KeyStore.Minted minted = keys.create((String) name, limit,
                Boolean.TRUE.equals(body.get("include_byok_in_limit")), reset == null ? null : reset.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("data", minted.key().toJson());
        json.put("key", minted.plaintext());
        return Responses.json(HttpResponseStatus.CREATED, json);
    }

    private FullHttpResponse get(String hash) {
        ProvisionedKey key = keys.findByHash(hash);
        if (key == null) {
            return OpenRouterErrors.error(404, "API key not found");
        }
        return Responses.json(HttpResponseStatus.OK, Map.of("data", key.toJson()));
    }

    private FullHttpResponse patch(String hash, Map<String, Object> body) {
        if (!keys.update(hash, body)) {
            return OpenRouterErrors.error(404, "API key not found");
        }
        return get(hash);
    }

    private FullHttpResponse delete(String hash) {
        if (!keys.delete(hash)) {
            return OpenRouterErrors.error(404, "API key not found");
        }
        return Responses.json(HttpResponseStatus.OK, Map.of("deleted", true));
    }

    private static Map<String, Object> readBody(FullHttpRequest request) {
        if (!request.content().isReadable()) {
            return Map.of();
        }
        try (InputStream in = new ByteBufInputStream(request.content().duplicate())) {
            Map<String, Object> body = BODY.readValue(in);
            if (body == null) {
                throw new IllegalArgumentException("body must be a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid JSON body");
        }
    }
}
