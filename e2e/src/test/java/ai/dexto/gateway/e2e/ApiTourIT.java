package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Calls every operation of docs/openapi at least once, the way a customer, Stripe or an operator
 * does, so OpenApiConformanceIT has a real answer of each to check against the description. Each
 * step asserts only what it needs to go on; the description check is the point.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApiTourIT {
    static final String TOUR_DONE = "api-tour.done";
    static LocalSystem system;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        system = SharedSystem.get();
        model = system.firstModel();
    }

    /** Tells OpenApiConformanceIT that this build called every operation, so it may require that. */
    @AfterAll
    static void markTheTourDone() throws Exception {
        String dir = System.getProperty(ExchangeLog.PROPERTY);
        if (dir != null && !dir.isBlank()) {
            Files.writeString(Path.of(dir).resolve(TOUR_DONE), "done\n");
        }
    }

    private static String chat(boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"max_tokens\":8,\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"" + LocalSystem.prompt("tour") + "\"}]}";
    }

    @Test
    void theGatewaysOperations() throws Exception {
        LocalSystem.User user = system.provisionUser();
        String g = system.gatewayUrl();
        assertEquals(200, system.send("POST", g + "/v1/chat/completions", user.apiKey(), chat(false)).statusCode());
        assertEquals(200, system.send("POST", g + "/v1/chat/completions", user.apiKey(), chat(true)).statusCode());
        assertEquals(401, system.send("POST", g + "/v1/chat/completions", "dxt_not-a-key", chat(false)).statusCode());
        assertEquals(404, system.send("POST", g + "/v1/chat/completions", user.apiKey(),
                chat(false).replace(model, "nobody/no-such-model")).statusCode());
        assertEquals(400, system.send("POST", g + "/v1/chat/completions", user.apiKey(), "{\"model\":").statusCode());
        assertEquals(200, system.send("GET", g + "/v1/models", null, null).statusCode());
        assertEquals(200, system.send("GET", g + "/keys/validate", user.apiKey(), null).statusCode());
    }

    @Test
    void theAccountOperations() throws Exception {
        LocalSystem.User user = system.provisionUser();
        String c = system.controlUrl();
        String jwt = system.sessionJwt(user.id());
        assertEquals(401, system.send("POST", c + "/api/provision", "not-a-jwt", null).statusCode());
        String key = user.apiKey();
        assertEquals(200, system.send("GET", c + "/keys", key, null).statusCode());
        assertEquals(401, system.send("GET", c + "/keys", null, null).statusCode());
        assertEquals(200, system.send("GET", c + "/me/usage?recent_limit=5", key, null).statusCode());
        assertEquals(400, system.send("GET", c + "/me/usage?recent_limit=1000", key, null).statusCode());
        assertEquals(200, system.send("GET", c + "/me/usage.csv", key, null).statusCode());
        assertEquals(200, system.send("GET", c + "/me/usage/daily", key, null).statusCode());
        assertEquals(400, system.send("GET", c + "/me/usage/daily?start=2026-13-01", key, null).statusCode());
        assertEquals(200, system.send("GET", c + "/me/transactions", key, null).statusCode());
        assertEquals(200, system.send("POST", c + "/api/stripe/create-checkout-session", key,
                "{\"amount_usd\":10}").statusCode());
        assertEquals(400, system.send("POST", c + "/api/stripe/create-checkout-session", key,
                "{\"amount_usd\":7}").statusCode());
        JsonNode rotated = system.json(system.call("POST", c + "/keys/rotate", jwt, null, 200));
        assertEquals(404, system.send("DELETE", c + "/keys/999999999", jwt, null).statusCode());
        assertEquals(200, system.send("DELETE", c + "/keys/" + rotated.path("keyId").asLong(), jwt, null).statusCode());

        // device login, as `dexto login` and the dashboard's approval page do it
        JsonNode start = system.json(system.call("POST", c + "/api/auth/device/start", null,
                "{\"client\":\"dexto-cli\"}", 200));
        String deviceCode = start.path("deviceCode").asText();
        String userCode = start.path("userCode").asText();
        assertEquals(400, system.send("POST", c + "/api/auth/device/poll", null,
                "{\"deviceCode\":\"" + deviceCode + "\"}").statusCode());
        assertEquals(200, system.send("GET", c + "/api/auth/device/info?code=" + userCode, jwt, null).statusCode());
        assertEquals(200, system.send("POST", c + "/api/auth/device/approve", jwt,
                "{\"userCode\":\"" + userCode + "\"}").statusCode());
        assertEquals(200, system.send("POST", c + "/api/auth/device/poll", null,
                "{\"deviceCode\":\"" + deviceCode + "\"}").statusCode());
        String denied = system.json(system.call("POST", c + "/api/auth/device/start", null,
                "{\"client\":\"dexto-cli\"}", 200)).path("userCode").asText();
        assertEquals(200, system.send("POST", c + "/api/auth/device/deny", jwt,
                "{\"userCode\":\"" + denied + "\"}").statusCode());
        assertEquals(404, system.send("POST", c + "/api/auth/device/deny", jwt,
                "{\"userCode\":\"" + denied + "\"}").statusCode());

        assertEquals(200, system.send("GET", c + "/api/models", null, null).statusCode());
        assertEquals(200, system.send("GET", c + "/config.json", null, null).statusCode());

        HttpResponse<String> spec = system.send("GET", c + "/openapi.json", null, null);
        assertEquals(200, spec.statusCode());
        assertEquals(system.json(OpenApiConformanceIT.text("dexto/openapi/public.json")), system.json(spec.body()));
        HttpResponse<String> throughGateway = system.send("GET", system.gatewayUrl() + "/openapi.json", null, null);
        assertEquals(200, throughGateway.statusCode());
        assertEquals(system.json(spec.body()), system.json(throughGateway.body()));
    }

    @Test
    void stripesWebhookVerifiesItsSignature() throws Exception {
        String c = system.controlUrl();
        long now = System.currentTimeMillis() / 1000;
        String event = "{\"id\":\"evt_tour_" + UUID.randomUUID().toString().replace("-", "") + "\",\"object\":\"event\","
                + "\"api_version\":\"2026-07-29.dahlia\",\"created\":" + now + ",\"livemode\":false,"
                + "\"pending_webhooks\":0,\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_tour\","
                + "\"object\":\"customer\"}}}";
        HttpResponse<String> signed = system.send("POST", c + "/api/stripe/webhook", null, event,
                Map.of("Stripe-Signature", "t=" + now + ",v1=" + hmac(now + "." + event)));
        assertEquals(200, signed.statusCode(), signed.body());
        HttpResponse<String> forged = system.send("POST", c + "/api/stripe/webhook", null, event,
                Map.of("Stripe-Signature", "t=" + now + ",v1=" + "0".repeat(64)));
        assertEquals(400, forged.statusCode());
    }

    @Test
    void theOperatorsOperations() throws Exception {
        LocalSystem.User user = system.provisionUser();
        String a = system.controlInternalUrl() + "/admin";
        String t = LocalSystem.ADMIN_TOKEN;
        assertEquals(200, system.send("GET", a + "/users?query=" + user.id().substring(0, 8), t, null).statusCode());
        JsonNode detail = system.json(system.call("GET", a + "/users/" + user.id(), t, null, 200));
        assertEquals(404, system.send("GET", a + "/users/nobody-" + UUID.randomUUID(), t, null).statusCode());
        assertEquals(401, system.send("GET", a + "/users/" + user.id(), "wrong-token", null).statusCode());
        assertEquals(200, system.send("POST", a + "/users/" + user.id() + "/credits", t,
                "{\"amount_usd\":\"1.50\",\"reason\":\"tour\"}").statusCode());
        assertEquals(400, system.send("POST", a + "/users/" + user.id() + "/credits", t,
                "{\"amount_usd\":\"1.50\"}").statusCode());
        assertEquals(200, system.send("PUT", a + "/users/" + user.id() + "/tier", t, "{\"tier\":\"paid\"}").statusCode());
        assertEquals(400, system.send("PUT", a + "/users/" + user.id() + "/tier", t, "{\"tier\":\"gold\"}").statusCode());
        assertEquals(200, system.send("POST", a + "/users/" + user.id() + "/upstream-key/rotate", t, null).statusCode());
        assertEquals(200, system.send("POST", a + "/keys/" + detail.path("keys").get(0).path("id").asLong() + "/revoke",
                t, null).statusCode());
        assertEquals(200, system.send("GET", a + "/transactions?user=" + user.id(), t, null).statusCode());
        assertEquals(404, system.send("POST", a + "/transactions/" + UUID.randomUUID() + "/refund", t,
                "{\"kind\":\"refund\",\"reason\":\"tour\"}").statusCode());
        JsonNode audit = system.json(system.call("GET", a + "/audit", t, null, 200));
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
        HttpResponse<String> spec = system.send("GET", a + "/openapi.json", null, null);
        assertEquals(200, spec.statusCode());
        assertEquals(system.json(OpenApiConformanceIT.text("dexto/openapi/admin.json")), system.json(spec.body()));
    }

    private static String hmac(String payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(LocalSystem.STRIPE_WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }
}
