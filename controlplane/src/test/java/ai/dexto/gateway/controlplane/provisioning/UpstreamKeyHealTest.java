package ai.dexto.gateway.controlplane.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.common.feed.Json;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gateway's upstream-key heal: re-mint once, hand out the healed key after, at most one mint a minute. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpstreamKeyHealTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;
    static final ObjectMapper JSON = Json.newMapper();
    static final String TOKEN = ControlPlaneHarness.INTERNAL_TOKEN;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    static FeedUser feedUser(String userId) throws Exception {
        FeedSnapshot s = JSON.readValue(H.internal().get("/internal/feed/snapshot?node=n1", TOKEN).body(), FeedSnapshot.class);
        return s.users().stream().filter(u -> u.userId().equals(userId)).findFirst().orElseThrow();
    }

    static Http.Reply heal(String userId, String rejected) {
        return H.internal().post("/internal/users/" + userId + "/upstream-key/heal", TOKEN,
                "{\"rejected\":\"" + rejected + "\"}");
    }

    static int upstreamStatusOf(String plaintextKey) {
        return new Http(H.sim.openRouterBaseUrl()).get("/key", plaintextKey).status();
    }

    static UpstreamKeyCipher cipher() {
        return UpstreamKeyCipher.fromBase64(H.app.getConfiguration().getAuth().encryptionKey);
    }

    @Test
    void aRejectedKeyIsReMintedPushedThroughTheFeedAndTheOldOneDeletedUpstream() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        long cursor = JSON.readValue(H.internal().get("/internal/feed/snapshot?node=n1", TOKEN).body(), FeedSnapshot.class).cursor();
        String before = feedUser(user).upstreamKeyCiphertext();
        String oldKey = cipher().open(user, before);
        assertEquals(200, upstreamStatusOf(oldKey));

        Http.Reply r = heal(user, before);
        assertEquals(200, r.status(), r.toString());
        String after = r.json().path("upstream_key_ciphertext").asText();
        assertNotEquals(before, after);
        assertTrue(!r.body().contains(oldKey) && !r.body().contains(cipher().open(user, after)), "no plaintext key");
        assertEquals(200, upstreamStatusOf(cipher().open(user, after)), "the new key works upstream");
        assertEquals(401, upstreamStatusOf(oldKey), "the old key was deleted upstream");

        FeedChanges changes = JSON.readValue(H.internal().get("/internal/feed/changes?node=n1&since=" + cursor + "&wait=5",
                TOKEN).body(), FeedChanges.class);
        assertEquals(after, changes.users().stream().filter(u -> u.userId().equals(user)).findFirst().orElseThrow()
                .upstreamKeyCiphertext());

        // a second node reporting the same rejected key gets the healed one, nothing is minted
        Http.Reply again = heal(user, before);
        assertEquals(200, again.status());
        assertEquals(after, again.json().path("upstream_key_ciphertext").asText());
        // the healed key rejected within the minute: refused in the error shape
        Http.Reply tooSoon = heal(user, after);
        assertEquals(429, tooSoon.status(), tooSoon.toString());
        assertEquals("upstream_key_heal_rate_limited", tooSoon.json().path("error").path("code").asText());
        assertEquals(after, feedUser(user).upstreamKeyCiphertext());

        String metrics = H.admin().get("/metrics", null).body();
        assertTrue(metrics.lines().anyMatch(l -> l.matches("dexto_control_upstream_key_heals_total [1-9][0-9.E]*")),
                metrics.lines().filter(l -> l.contains("heals")).toList().toString());
    }

    @Test
    void concurrentHealsOfOneUserMintOnce() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String before = feedUser(user).upstreamKeyCiphertext();
        List<CompletableFuture<Http.Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> heal(user, before)));
        }
        Set<String> answers = new HashSet<>();
        for (CompletableFuture<Http.Reply> call : calls) {
            Http.Reply r = call.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.status(), r.toString());
            answers.add(r.json().path("upstream_key_ciphertext").asText());
        }
        assertEquals(1, answers.size(), "every caller got the one healed key");
        assertEquals(feedUser(user).upstreamKeyCiphertext(), answers.iterator().next());
    }

    @Test
    void badCallsAreRefusedInTheErrorShape() {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        assertEquals(401, H.internal().post("/internal/users/" + user + "/upstream-key/heal", "wrong-token",
                "{\"rejected\":\"x\"}").status());
        Http.Reply noBody = H.internal().post("/internal/users/" + user + "/upstream-key/heal", TOKEN, "{}");
        assertEquals(400, noBody.status());
        assertEquals("invalid_rejected", noBody.json().path("error").path("code").asText());
        Http.Reply unknown = heal("no-such-user", "x");
        assertEquals(404, unknown.status());
        assertEquals("not_found", unknown.json().path("error").path("code").asText());
    }
}
