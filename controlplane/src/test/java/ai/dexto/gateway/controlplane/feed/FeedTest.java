package ai.dexto.gateway.controlplane.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedKey;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.common.feed.Json;
import ai.dexto.gateway.common.feed.KeyLookup;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FeedTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;
    static final ObjectMapper JSON = Json.newMapper();
    static final String TOKEN = ControlPlaneHarness.INTERNAL_TOKEN;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    static FeedSnapshot snapshot(String node) throws Exception {
        Http.Reply r = H.internal().get("/internal/feed/snapshot?node=" + node, TOKEN);
        assertEquals(200, r.status(), r.toString());
        return JSON.readValue(r.body(), FeedSnapshot.class);
    }

    static FeedChanges changes(String node, long since, int wait) throws Exception {
        Http.Reply r = H.internal().get("/internal/feed/changes?node=" + node + "&since=" + since + "&wait=" + wait, TOKEN);
        assertEquals(200, r.status(), r.toString());
        return JSON.readValue(r.body(), FeedChanges.class);
    }

    @Test
    void snapshotListsUsersKeysAndTiersConsistentWithItsCursor() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        FeedSnapshot s = snapshot("n1");
        assertTrue(s.cursor() > 0);
        assertEquals(List.of("free", "paid", "unlimited"), s.tiers().stream().map(t -> t.name()).toList());
        assertEquals(60, s.tiers().get(0).requestsPerMinute());
        assertEquals(10, s.tiers().get(0).burst());
        assertTrue(s.tiers().get(2).unlimited());
        FeedUser u = s.users().stream().filter(x -> x.userId().equals(user)).findFirst().orElseThrow();
        assertEquals(10_000_000_000L, u.balanceNanos());
        assertEquals("free", u.tier());
        assertEquals(0, u.appliedSequence());
        assertNotNull(u.upstreamKeyCiphertext());
        FeedKey k = s.keys().stream().filter(x -> x.keyHash().equals(ApiKeys.hashHex(key))).findFirst().orElseThrow();
        assertEquals(user, k.userId());
        assertTrue(k.isActive());
        // nothing changed since the snapshot: an immediate empty answer with the same cursor
        FeedChanges none = changes("n1", s.cursor(), 0);
        assertEquals(s.cursor(), none.cursor());
        assertTrue(none.users().isEmpty() && none.keys().isEmpty());
    }

    @Test
    void aWaitingReaderSeesARevocationAndATopUpWellUnderASecond() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        long keyId = H.api().get("/keys", key).json().path("keys").get(0).path("id").asLong();
        long cursor = snapshot("n1").cursor();

        CompletableFuture<FeedChanges> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return changes("n1", cursor, 20);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300); // the reader is parked in its long poll
        long start = System.nanoTime();
        assertEquals(200, H.api().delete("/keys/" + keyId, H.jwt(user)).status());
        FeedChanges revoked = waiting.get();
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis < 1000, "revocation reached the reader in " + elapsedMillis + " ms");
        FeedKey k = revoked.keys().stream().filter(x -> x.keyId() == keyId).findFirst().orElseThrow();
        assertFalse(k.isActive());

        CompletableFuture<FeedChanges> waiting2 = CompletableFuture.supplyAsync(() -> {
            try {
                return changes("n1", revoked.cursor(), 20);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        start = System.nanoTime();
        assertEquals(200, H.internal().post("/admin/users/" + user + "/credits", ControlPlaneHarness.ADMIN_TOKEN,
                "{\"amount_usd\":\"5.00\",\"reason\":\"goodwill\"}").status());
        FeedChanges topUp = waiting2.get();
        elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMillis < 1000, "top-up reached the reader in " + elapsedMillis + " ms");
        assertEquals(15_000_000_000L, topUp.users().stream().filter(x -> x.userId().equals(user))
                .findFirst().orElseThrow().balanceNanos());
    }

    @Test
    void aKeysVersionIsTheCursorOfItsLastChangeInSnapshotChangesAndLookups() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        String hash = ApiKeys.hashHex(key);
        FeedSnapshot s = snapshot("n1");
        FeedKey issued = s.keys().stream().filter(x -> x.keyHash().equals(hash)).findFirst().orElseThrow();
        assertTrue(issued.version() > 0 && issued.version() <= s.cursor(), issued + " in " + s.cursor());
        KeyLookup before = JSON.readValue(H.internal().get("/internal/keys/" + hash + "?node=n1", TOKEN).body(), KeyLookup.class);
        assertEquals(issued.version(), before.key().version());

        long keyId = issued.keyId();
        assertEquals(200, H.api().delete("/keys/" + keyId, H.jwt(user)).status());
        FeedChanges c = changes("n1", s.cursor(), 5);
        FeedKey revoked = c.keys().stream().filter(x -> x.keyId() == keyId).findFirst().orElseThrow();
        assertFalse(revoked.isActive());
        assertTrue(revoked.version() > issued.version() && revoked.version() <= c.cursor(), revoked.toString());
        KeyLookup after = JSON.readValue(H.internal().get("/internal/keys/" + hash + "?node=n1", TOKEN).body(), KeyLookup.class);
        assertEquals(revoked.version(), after.key().version());
        // a lookup answered before the revocation can no longer undo it on a gateway
        assertFalse(before.key().supersedes(revoked));
    }

    @Test
    void anIdleLongPollReturnsEmptyAfterItsWait() throws Exception {
        long cursor = snapshot("n1").cursor();
        long start = System.nanoTime();
        FeedChanges c = changes("n1", cursor, 1);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(cursor, c.cursor());
        assertTrue(ms >= 900 && ms < 3000, "waited " + ms + " ms");
    }

    @Test
    void aCursorFromTheFutureAsksForANewSnapshot() throws Exception {
        long cursor = snapshot("n1").cursor();
        FeedChanges c = changes("n1", cursor + 1000, 0);
        assertTrue(c.resnapshot());
    }

    @Test
    void appliedSequenceAndBalanceAreReportedPerNode() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        long keyId = H.api().get("/keys", key).json().path("keys").get(0).path("id").asLong();
        try (JournalWriter w = new JournalWriter(H.dataDir.resolve("journal").resolve("feed-node"), "feed-node")) {
            for (int i = 0; i < 5; i++) {
                w.write(user, keyId, 1_000_000, "openai/gpt-4o-mini");
            }
        }
        long deadline = System.currentTimeMillis() + 15_000;
        FeedUser seen = null;
        while (System.currentTimeMillis() < deadline) {
            seen = snapshot("feed-node").users().stream().filter(x -> x.userId().equals(user)).findFirst().orElseThrow();
            if (seen.appliedSequence() == 5) {
                break;
            }
            Thread.sleep(50);
        }
        assertNotNull(seen);
        assertEquals(5, seen.appliedSequence());
        assertEquals(10_000_000_000L - 5_000_000L, seen.balanceNanos());
        FeedUser other = snapshot("other-node").users().stream().filter(x -> x.userId().equals(user)).findFirst()
                .orElseThrow();
        assertEquals(0, other.appliedSequence(), "another node has applied nothing of its own");
        assertEquals(seen.balanceNanos(), other.balanceNanos());
    }

    @Test
    void keyLookupAnswersActiveAndRevokedKeysAnd404sUnknownOnes() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        Http.Reply r = H.internal().get("/internal/keys/" + ApiKeys.hashHex(key) + "?node=n1", TOKEN);
        assertEquals(200, r.status(), r.toString());
        KeyLookup found = JSON.readValue(r.body(), KeyLookup.class);
        assertEquals(user, found.key().userId());
        assertEquals(user, found.user().userId());
        assertEquals(10_000_000_000L, found.user().balanceNanos());
        String unknown = ApiKeys.hashHex(ApiKeys.generate(new java.security.SecureRandom()));
        assertEquals(404, H.internal().get("/internal/keys/" + unknown + "?node=n1", TOKEN).status());
        assertEquals(404, H.internal().get("/internal/keys/not-a-hash?node=n1", TOKEN).status());
    }

    @Test
    void theFeedRefusesAMissingOrWrongTokenAndTheAdminToken() {
        assertEquals(401, H.internal().get("/internal/feed/snapshot?node=n1", null).status());
        assertEquals(401, H.internal().get("/internal/feed/snapshot?node=n1", "wrong").status());
        assertEquals(401, H.internal().get("/internal/feed/snapshot?node=n1", ControlPlaneHarness.ADMIN_TOKEN).status());
        Http.Reply r = H.internal().get("/internal/feed/changes?node=n1&since=abc", TOKEN);
        assertEquals(400, r.status());
        assertEquals(400, H.internal().get("/internal/feed/snapshot", TOKEN).status(), "node is required");
    }

    @Test
    void upstreamKeyRotationReachesTheFeed() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        FeedSnapshot before = snapshot("n1");
        String oldCipher = before.users().stream().filter(x -> x.userId().equals(user)).findFirst().orElseThrow()
                .upstreamKeyCiphertext();
        Http.Reply r = H.internal().post("/admin/users/" + user + "/upstream-key/rotate", ControlPlaneHarness.ADMIN_TOKEN, null);
        assertEquals(200, r.status(), r.toString());
        FeedChanges c = changes("n1", before.cursor(), 5);
        FeedUser u = c.users().stream().filter(x -> x.userId().equals(user)).findFirst().orElseThrow();
        assertNotEquals(oldCipher, u.upstreamKeyCiphertext());
    }
}
