package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedKey;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.common.feed.KeyLookup;
import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The feed client against a stub of the control plane's /internal API. */
@Timeout(120)
class FeedIT {
    /** Deleted by JUnit after the test, with every journal under it. */
    @TempDir
    Path scratch;

    final SecureRandom random = new SecureRandom();
    final HttpClient http = HttpClient.newHttpClient();
    final UpstreamKeyCipher cipher = UpstreamKeyCipher.fromBase64(GatewayConfig.DEV_ENCRYPTION_KEY);

    HttpResponse<String> chat(Gateway g, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(g.url() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(GatewayFixture.body(false, 5))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void snapshotThenChangesRevokeWithinASecondAndMissesAskOnce() throws Exception {
        try (Sim sim = Sim.start(SimConfig.builder().openRouterPort(0).stripePort(0).build())) {
            String upstream = sim.mintKey("feed", null);
            String key = ApiKeys.generate(random);
            FeedUser user = new FeedUser("u-feed", "paid", Money.ofUsd(2), 0, cipher.seal("u-feed", upstream));
            FeedSnapshot snap = new FeedSnapshot(10, GatewayFixture.TIERS, List.of(user),
                    List.of(new FeedKey(ApiKeys.hashHex(key), 1, "u-feed", FeedKey.ACTIVE)));
            try (StubControlPlane cp = new StubControlPlane(snap);
                 Gateway g = Gateway.start(GatewayConfig.builder().port(0).opsPort(0).ioThreads(1)
                         .upstreamUrl(sim.openRouterBaseUrl()).controlUrl(cp.url())
                         .dataDir(Files.createTempDirectory(scratch, "dexto-feed-")).build())) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!g.ready() && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertTrue(g.ready(), "snapshot loaded");
                assertEquals(200, chat(g, key).statusCode());

                // A key the cache has never seen: one question, then served from the cache.
                String late = ApiKeys.generate(random);
                cp.lookups.put(ApiKeys.hashHex(late), new KeyLookup(
                        new FeedKey(ApiKeys.hashHex(late), 2, "u-feed", FeedKey.ACTIVE), user));
                assertEquals(200, chat(g, late).statusCode());
                assertEquals(200, chat(g, late).statusCode());
                assertEquals(1, cp.lookupCalls.get());
                assertTrue(cp.lookupTrace != null && cp.lookupTrace.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"),
                        "the lookup is a span of the asking request's trace: " + cp.lookupTrace);

                // An unknown key: 401, and the negative answer is cached.
                String unknown = ApiKeys.generate(random);
                assertEquals(401, chat(g, unknown).statusCode());
                assertEquals(401, chat(g, unknown).statusCode());
                assertEquals(2, cp.lookupCalls.get());

                // Revocation arrives as a change; refused well within a second.
                long revokedAt = System.nanoTime();
                cp.changes.add(new FeedChanges(11, false, List.of(), List.of(),
                        List.of(new FeedKey(ApiKeys.hashHex(key), 1, "u-feed", FeedKey.REVOKED))));
                int status = 200;
                while (status == 200 && System.nanoTime() - revokedAt < 1_000_000_000L) {
                    status = chat(g, key).statusCode();
                }
                assertEquals(401, status, "revoked within 1 s");

                // The control plane goes away: known keys keep working.
                cp.close();
                Thread.sleep(200);
                assertEquals(200, chat(g, late).statusCode());
                assertEquals(503, chat(g, ApiKeys.generate(random)).statusCode(), "unknown keys cannot be checked");
            }
        }
    }
}
