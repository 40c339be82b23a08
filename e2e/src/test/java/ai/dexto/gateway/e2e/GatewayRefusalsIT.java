package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every refusal the gateway makes before the upstream, through the real control plane: the documented
 * status, OpenAI's error shape, and no secret in the message.
 */
class GatewayRefusalsIT {
    static LocalSystem system;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        system = SharedSystem.get();
        model = system.firstModel();
    }

    private HttpResponse<String> chat(String key, String body) throws Exception {
        return system.send("POST", system.gatewayUrl() + "/v1/chat/completions", key, body);
    }

    private String body() {
        return "{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""
                + LocalSystem.prompt("hi") + "\"}]}";
    }

    private JsonNode error(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode error = system.json(r.body()).path("error");
        assertEquals(code, error.path("code").asText(), r.body());
        assertTrue(error.path("message").asText().length() > 0, r.body());
        assertTrue(error.path("type").asText().length() > 0, r.body());
        return error;
    }

    @Test
    void malformedKeyIsRefusedWithoutALookup() throws Exception {
        JsonNode e = error(chat("dxt_typo", body()), 401, "invalid_api_key");
        assertTrue(!e.path("message").asText().contains("dxt_typo"), "the key must not be echoed");
        error(chat(null, body()), 401, "invalid_api_key");
    }

    @Test
    void wellFormedButUnknownKeyIsRefused() throws Exception {
        String unknown = ApiKeys.generate(new SecureRandom());
        error(chat(unknown, body()), 401, "invalid_api_key");
        HttpResponse<String> validate = system.send("GET", system.gatewayUrl() + "/keys/validate", unknown, null);
        assertEquals(false, system.json(validate.body()).path("valid").asBoolean(), validate.body());
    }

    @Test
    void revokedKeyIsRefusedWithinOneSecond() throws Exception {
        LocalSystem.User user = system.provisionUser();
        assertEquals(200, chat(user.apiKey(), body()).statusCode());
        String rotated = system.call("POST", system.controlUrl() + "/keys/rotate",
                system.sessionJwt(user.id()), null, 200); // a session only: an API key cannot rotate
        long revokedAt = System.nanoTime();
        String newKey = system.json(rotated).path("dextoApiKey").asText();
        boolean valid;
        do {
            valid = system.json(system.send("GET", system.gatewayUrl() + "/keys/validate", user.apiKey(), null).body())
                    .path("valid").asBoolean();
        } while (valid && System.nanoTime() - revokedAt < 1_000_000_000L);
        assertEquals(false, valid, "the revoked key was still valid a second after rotation");
        error(chat(user.apiKey(), body()), 401, "invalid_api_key");
        assertEquals(200, chat(newKey, body()).statusCode());
    }

    @Test
    void emptyBalanceIsRefusedWith402NamingBalanceAndTopUpUrl() throws Exception {
        LocalSystem.User user = system.provisionUser();
        system.admin("POST", "/users/" + user.id() + "/credits",
                "{\"amount_usd\":\"-10.00\",\"reason\":\"e2e: empty the intro credit\"}");
        long deadline = System.nanoTime() + 2_000_000_000L;
        HttpResponse<String> r;
        do {
            r = chat(user.apiKey(), body());
        } while (r.statusCode() != 402 && System.nanoTime() < deadline);
        JsonNode e = error(r, 402, "insufficient_credits");
        assertTrue(e.path("message").asText().contains("http"), e.toString());
        assertTrue(e.path("message").asText().contains(Money.format(0)) || e.path("message").asText().contains("0.0"),
                e.toString());
    }

    @Test
    void unknownModelMalformedJsonAndOversizedBodiesAreRefused() throws Exception {
        LocalSystem.User user = system.provisionUser();
        error(chat(user.apiKey(), body().replace(model, "nobody/no-such-model")), 404, "model_not_found");
        HttpResponse<String> malformed = chat(user.apiKey(), "{\"model\": \"" + model + "\", \"messages\": [");
        assertEquals(400, malformed.statusCode(), malformed.body());
        HttpResponse<String> missing = chat(user.apiKey(), "{\"model\":\"" + model + "\"}");
        assertEquals(400, missing.statusCode(), missing.body());
        String huge = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + LocalSystem.prompt("x".repeat(5 * 1024 * 1024)) + "\"}]}";
        HttpResponse<String> tooLarge = chat(user.apiKey(), huge);
        assertEquals(413, tooLarge.statusCode());
        // None of these cost anything.
        JsonNode usage = system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null, 200));
        assertEquals(0, usage.path("total_requests").asLong(), usage.toString());
    }

    @Test
    void freeTierBurstIsLimitedWith429AndRateLimitHeaders() throws Exception {
        LocalSystem.User user = system.provisionUser();
        HttpResponse<String> last = null;
        for (int i = 0; i < 15; i++) {
            last = chat(user.apiKey(), body());
            assertTrue(last.headers().firstValue("x-ratelimit-limit-requests").isPresent(), last.headers().toString());
            assertTrue(last.headers().firstValue("x-ratelimit-remaining-requests").isPresent());
            assertTrue(last.headers().firstValue("x-ratelimit-reset-requests").isPresent());
            if (last.statusCode() == 429) {
                break;
            }
            assertEquals(200, last.statusCode(), last.body());
        }
        error(last, 429, "rate_limit_exceeded");
        assertTrue(last.headers().firstValue("Retry-After").isPresent());
        assertEquals("0", last.headers().firstValue("x-ratelimit-remaining-requests").orElseThrow());
    }
}
