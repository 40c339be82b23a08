package ai.dexto.gateway.controlplane.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.Json;
import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.controlplane.daos.ReconcileDao;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pending costs settle exactly once to the upstream's record; ledgers are compared with key usage. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReconcilerTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness(Map.of(
            "reconcile.pendingIntervalMillis", "200", "reconcile.driftIntervalMillis", "3600000"));
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;
    static final long RESERVATION = Money.ofCents(5); // what the gateway reserved and journaled as provisional

    @AfterAll
    static void stopSim() {
        H.close();
    }

    static Reconciler reconciler() {
        return H.application().reconciler();
    }

    static String upstreamKey(String userId) throws Exception {
        FeedSnapshot s = Json.newMapper().readValue(H.internal().get("/internal/feed/snapshot?node=n1",
                ControlPlaneHarness.INTERNAL_TOKEN).body(), FeedSnapshot.class);
        String sealed = s.users().stream().filter(u -> u.userId().equals(userId)).findFirst().orElseThrow()
                .upstreamKeyCiphertext();
        return UpstreamKeyCipher.fromBase64(H.app.getConfiguration().getAuth().encryptionKey).open(userId, sealed);
    }

    /** A real generation at the simulator, charged to the user's upstream key: its id. */
    static String generate(String key) {
        Http.Reply r = new Http(H.sim.openRouterBaseUrl()).post("/chat/completions", key,
                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        assertEquals(200, r.status(), r.toString());
        return r.header("X-Generation-Id");
    }

    static long chargeOf(String key, String generationId) {
        Http.Reply r = new Http(H.sim.openRouterBaseUrl()).get("/generation?id=" + generationId, key);
        assertEquals(200, r.status(), r.toString());
        return Money.parseUsd(r.json().path("data").path("total_cost").asText());
    }

    static long query(String sql, String param) throws Exception {
        try (Connection c = H.application().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    static boolean rows(String userId, String sql, long n) {
        try {
            return query(sql, userId) == n;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void journalPending(JournalWriter w, String userId, String generationId) {
        UsageEvent e = w.event(userId, 1, RESERVATION, "openai/gpt-4o-mini");
        e.generationId.setLength(0);
        e.generationId.append(generationId);
        e.costPending = true;
        e.reservedNanos = RESERVATION;
        w.write(e);
    }

    @Test
    void pendingRowsSettleOnceToTheUpstreamsChargeAndTheLedgerMatchesTheKeysUsage() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String key = upstreamKey(user);
        List<String> generations = new ArrayList<>();
        long charged = 0;
        for (int i = 0; i < 6; i++) {
            String id = generate(key);
            generations.add(id);
            charged += chargeOf(key, id);
        }
        try (JournalWriter w = new JournalWriter(H.dataDir.resolve("journal").resolve("node-settle"), "node-settle")) {
            for (String id : generations) {
                journalPending(w, user, id);
            }
        }
        String rowsOf = "SELECT count(*) FROM usage_ledger WHERE user_id = ?";
        await(() -> rows(user, rowsOf, 6), "the drain");
        // the background settler and four concurrent callers race over the same rows
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> racers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                racers.add(pool.submit((Callable<Integer>) () -> reconciler().settleDue()));
            }
            for (Future<Integer> f : racers) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        await(() -> rows(user, "SELECT count(*) FROM usage_ledger WHERE user_id = ? AND cost_status = 'pending'", 0),
                "every row settled");
        assertEquals(charged, query("SELECT sum(billed_cost_nanos) FROM usage_ledger WHERE user_id = ?", user));
        assertEquals(6 * RESERVATION, query("SELECT sum(provisional_billed_nanos) FROM usage_ledger WHERE user_id = ?", user));
        assertEquals(Money.ofUsd(10) - charged, query("SELECT balance_nanos FROM balances WHERE user_id = ?", user),
                "the balance moved by exactly the difference, once per row");
        assertEquals(0, reconciler().settleDue(), "nothing left to settle");
        assertEquals(charged, query("SELECT sum(cost_nanos) FROM usage_daily WHERE user_id = ?", user),
                "the daily rollup moved with the settled rows");
        assertEquals(6, query("SELECT sum(requests) FROM usage_daily WHERE user_id = ?", user));

        JsonNode audit = H.internal().get("/admin/audit", ControlPlaneHarness.ADMIN_TOKEN).json();
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
        ReconcileDao.Drift drift = reconciler().check(user);
        assertEquals(0, drift.driftNanos(), drift.toString());
        assertEquals(charged, drift.upstreamNanos().longValue(), "the sim's key usage is what it charged");
        assertEquals(charged, drift.ledgerNanos());
    }

    /** {@code -Dreconcile.rows=N} measures more; the figure goes to target/reconcile-settle.txt. */
    @Test
    void settlingPendingRowsIsMeasuredAndExact() throws Exception {
        int n = Integer.getInteger("reconcile.rows", 30);
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String key = upstreamKey(user);
        long charged = 0;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(generate(key));
            charged += chargeOf(key, ids.get(i));
        }
        long start = System.nanoTime();
        try (JournalWriter w = new JournalWriter(H.dataDir.resolve("journal").resolve("node-measure"), "node-measure")) {
            for (String id : ids) {
                journalPending(w, user, id);
            }
        }
        await(() -> rows(user, "SELECT count(*) FROM usage_ledger WHERE user_id = ? AND cost_status = 'final' "
                + "AND settled_at IS NOT NULL", n), "every row drained and settled");
        long millis = (System.nanoTime() - start) / 1_000_000;
        java.nio.file.Files.writeString(java.nio.file.Path.of("target/reconcile-settle.txt"), String.format(
                "%d pending rows journaled, drained and settled in %d ms (background settler, 200 ms tick)%n", n, millis));
        assertEquals(Money.ofUsd(10) - charged, query("SELECT balance_nanos FROM balances WHERE user_id = ?", user));
    }

    @Test
    void aGenerationTheUpstreamDoesNotKnowStaysPendingAndIsRetriedLater() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        try (JournalWriter w = new JournalWriter(H.dataDir.resolve("journal").resolve("node-unknown"), "node-unknown")) {
            journalPending(w, user, "gen-never-happened");
        }
        String pending = "SELECT count(*) FROM usage_ledger WHERE user_id = ? AND cost_status = 'pending' "
                + "AND settle_attempts > 0 AND next_settle_at > now()";
        await(() -> rows(user, pending, 1), "a postponed attempt");
        assertEquals(Money.ofUsd(10) - RESERVATION, query("SELECT balance_nanos FROM balances WHERE user_id = ?", user),
                "the provisional amount stays debited: never settled at zero");
        JsonNode reconciliation = H.internal().get("/admin/audit", ControlPlaneHarness.ADMIN_TOKEN).json()
                .path("reconciliation");
        assertTrue(reconciliation.path("pending_usage").asLong() >= 1, reconciliation.toString());
        assertNotNull(reconciliation.path("oldest_pending_at").textValue());
        String metrics = H.admin().get("/metrics", null).body();
        assertTrue(metrics.lines().anyMatch(l -> l.matches("dexto_control_pending_usage [1-9].*")),
                metrics.lines().filter(l -> l.startsWith("dexto_control")).toList().toString());
    }

    @Test
    void aChargeTheLedgerNeverSawIsConfirmedAsDriftOnTheSecondCheck() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String key = upstreamKey(user);
        long lost = chargeOf(key, generate(key)); // served upstream, its usage event lost
        ReconcileDao.Drift first = reconciler().check(user);
        assertEquals(-lost, first.driftNanos());
        assertFalse(first.confirmed(), "one sighting may be a request in flight");
        ReconcileDao.Drift second = reconciler().check(user);
        assertTrue(second.confirmed());
        JsonNode audit = H.internal().get("/admin/audit", ControlPlaneHarness.ADMIN_TOKEN).json();
        assertTrue(audit.path("ok").asBoolean(), "the ledger invariant itself holds");
        JsonNode r = audit.path("reconciliation");
        assertFalse(r.path("ok").asBoolean(), r.toString());
        assertTrue(r.path("users_drifting").asLong() >= 1);
        boolean listed = false;
        for (JsonNode d : r.path("drifting")) {
            if (d.path("user_id").asText().equals(user)) {
                listed = true;
                assertEquals(Money.format(-lost), d.path("drift").asText());
            }
        }
        assertTrue(listed, r.toString());
        reconciler().refresh();
        String metrics = H.admin().get("/metrics", null).body();
        assertTrue(metrics.lines().anyMatch(l -> l.matches("dexto_control_reconciliation_drift_usd [0-9.E-]+")
                && !l.endsWith(" 0.0")), metrics.lines().filter(l -> l.contains("drift")).toList().toString());
    }
}
