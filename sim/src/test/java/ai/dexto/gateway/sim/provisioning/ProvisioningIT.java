package ai.dexto.gateway.sim.provisioning;

import static ai.dexto.gateway.sim.TestHttp.get;
import static ai.dexto.gateway.sim.TestHttp.json;
import static ai.dexto.gateway.sim.TestHttp.postJson;
import static ai.dexto.gateway.sim.TestHttp.request;
import static ai.dexto.gateway.sim.TestHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProvisioningIT {
    private static final String PROVISIONING = SimConfig.DEFAULT_PROVISIONING_KEY;
    private static final String CHAT = "{\"model\":\"anthropic/claude-3.5-sonnet\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hello\"}],\"usage\":{\"include\":true}}";
    private static Sim sim;

    @BeforeAll
    static void start() {
        sim = Sim.start(SimConfig.ephemeral());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static String keys() {
        return sim.openRouterBaseUrl() + "/keys";
    }

    private static HttpResponse<String> chat(String key) {
        return postJson(sim.openRouterBaseUrl() + "/chat/completions", key, CHAT);
    }

    private static HttpResponse<String> patch(String hash, String body) {
        return send(request(keys() + "/" + hash, PROVISIONING)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void createdKeyIsShownOnceAndListedByHash() {
        HttpResponse<String> created = postJson(keys(), PROVISIONING,
                "{\"name\":\"user-42\",\"limit\":5,\"include_byok_in_limit\":false,\"limit_reset\":null}");
        assertEquals(201, created.statusCode());
        JsonNode body = json(created);
        assertTrue(body.get("key").asText().matches("sk-or-v1-[0-9a-f]{64}"));
        JsonNode data = body.get("data");
        String hash = data.get("hash").asText();
        assertEquals("user-42", data.get("name").asText());
        assertFalse(data.get("disabled").asBoolean());
        assertEquals(0, new BigDecimal("5").compareTo(data.get("limit").decimalValue()));
        assertEquals(0, new BigDecimal("5").compareTo(data.get("limit_remaining").decimalValue()));
        assertEquals(0, data.get("usage").decimalValue().signum());
        assertTrue(data.has("label") && data.has("created_at") && data.has("updated_at")
                && data.has("include_byok_in_limit"));

        JsonNode fetched = json(get(keys() + "/" + hash, PROVISIONING)).get("data");
        assertEquals("user-42", fetched.get("name").asText());
        assertFalse(fetched.has("key"));
        boolean listed = false;
        for (JsonNode key : json(get(keys(), PROVISIONING)).get("data")) {
            listed |= key.get("hash").asText().equals(hash);
        }
        assertTrue(listed);
    }

    @Test
    void provisioningApiRefusesAnyOtherBearer() {
        assertEquals(401, get(keys(), null).statusCode());
        assertEquals(401, get(keys(), "sk-or-prov-wrong").statusCode());
        String userKey = sim.mintKey("u", null);
        assertEquals(401, postJson(keys(), userKey, "{\"name\":\"x\"}").statusCode());
        assertEquals(401, json(get(keys(), "nope")).at("/error/code").asInt());
    }

    @Test
    void generationsAreChargedToTheKeyAndAnExhaustedKeyGets403() {
        JsonNode created = json(postJson(keys(), PROVISIONING, "{\"name\":\"limited\",\"limit\":0.0001}"));
        String key = created.get("key").asText();
        String hash = created.at("/data/hash").asText();
        HttpResponse<String> first = chat(key);
        assertEquals(200, first.statusCode());
        BigDecimal cost = json(first).at("/usage/cost").decimalValue();
        JsonNode afterOne = json(get(keys() + "/" + hash, PROVISIONING)).get("data");
        assertEquals(0, cost.compareTo(afterOne.get("usage").decimalValue()));
        int served = 1;
        HttpResponse<String> response = first;
        while (response.statusCode() == 200 && served < 50) {
            response = chat(key);
            served++;
        }
        assertEquals(403, response.statusCode());
        assertEquals(403, json(response).at("/error/code").asInt());
        assertTrue(json(response).at("/error/message").asText().startsWith("Key limit exceeded"));
        JsonNode spent = json(get(keys() + "/" + hash, PROVISIONING)).get("data");
        assertTrue(spent.get("usage").decimalValue().compareTo(new BigDecimal("0.0001")) >= 0);
        assertEquals(0, spent.get("limit_remaining").decimalValue().signum());

        assertEquals(200, patch(hash, "{\"limit\":10}").statusCode());
        assertEquals(200, chat(key).statusCode());
    }

    @Test
    void disabledOrDeletedKeyIsRefusedWith401() {
        JsonNode created = json(postJson(keys(), PROVISIONING, "{\"name\":\"to-disable\"}"));
        String key = created.get("key").asText();
        String hash = created.at("/data/hash").asText();
        assertEquals(200, chat(key).statusCode());

        JsonNode disabled = json(patch(hash, "{\"disabled\":true,\"name\":\"renamed\"}")).get("data");
        assertTrue(disabled.get("disabled").asBoolean());
        assertEquals("renamed", disabled.get("name").asText());
        assertEquals(401, chat(key).statusCode());
        assertEquals(200, patch(hash, "{\"disabled\":false}").statusCode());
        assertEquals(200, chat(key).statusCode());

        HttpResponse<String> deleted = send(request(keys() + "/" + hash, PROVISIONING).DELETE().build());
        assertEquals(200, deleted.statusCode());
        assertTrue(json(deleted).get("deleted").asBoolean());
        assertEquals(401, chat(key).statusCode());
        assertEquals(404, get(keys() + "/" + hash, PROVISIONING).statusCode());
    }

    @Test
    void createWithoutNameIs400() {
        assertEquals(400, postJson(keys(), PROVISIONING, "{\"limit\":1}").statusCode());
    }

    @Test
    void mintKeyFromJavaIsInTheSameStore() {
        String key = sim.mintKey("java-minted", "2.50");
        JsonNode current = json(get(sim.openRouterBaseUrl() + "/key", key)).get("data");
        assertEquals("java-minted", current.get("name").asText());
        assertEquals(0, new BigDecimal("2.5").compareTo(current.get("limit").decimalValue()));
    }

    @Test
    void withAStateDirKeysTheirLimitsAndUsageSurviveARestart(@TempDir Path state) throws Exception {
        SimConfig config = SimConfig.builder().openRouterPort(0).stripePort(0).stateDir(state).build();
        String kept;
        String keptHash;
        String deleted;
        BigDecimal usage;
        try (Sim first = Sim.start(config)) {
            String base = first.openRouterBaseUrl();
            JsonNode created = json(postJson(base + "/keys", PROVISIONING, "{\"name\":\"kept\",\"limit\":3}"));
            kept = created.get("key").asText();
            keptHash = created.at("/data/hash").asText();
            assertEquals(200, postJson(base + "/chat/completions", kept, CHAT).statusCode());
            usage = json(get(base + "/keys/" + keptHash, PROVISIONING)).at("/data/usage").decimalValue();
            assertTrue(usage.signum() > 0);
            deleted = first.mintKey("gone", null);
            JsonNode gone = json(get(base + "/keys", PROVISIONING)).get("data");
            for (JsonNode k : gone) {
                if (k.get("name").asText().equals("gone")) {
                    send(request(base + "/keys/" + k.get("hash").asText(), PROVISIONING).DELETE().build());
                }
            }
        }
        Path file = state.resolve("openrouter-keys.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        try (Sim second = Sim.start(config)) {
            String base = second.openRouterBaseUrl();
            assertEquals(200, postJson(base + "/chat/completions", kept, CHAT).statusCode(), "a kept key still works");
            assertEquals(401, postJson(base + "/chat/completions", deleted, CHAT).statusCode(), "a deleted key stays gone");
            JsonNode data = json(get(base + "/keys/" + keptHash, PROVISIONING)).get("data");
            assertEquals("kept", data.get("name").asText());
            assertEquals(0, new BigDecimal("3").compareTo(data.get("limit").decimalValue()));
            assertTrue(data.get("usage").decimalValue().compareTo(usage) > 0, "usage carried over and grew");
        }
    }
}
