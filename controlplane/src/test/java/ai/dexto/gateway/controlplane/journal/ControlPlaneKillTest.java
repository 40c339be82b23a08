package ai.dexto.gateway.controlplane.journal;

import static ai.dexto.gateway.controlplane.journal.JournalDrainTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.Json;
import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.controlplane.auth.SessionTokens;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.ControlPlaneProcess;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import ai.dexto.gateway.controlplane.support.TestPostgres;
import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the control plane (a real process) while it drains a journal, then a restart: every
 * event is billed exactly once, the audit is clean, pending costs settle and the reconciliation of a
 * user with real upstream charges is exact.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ControlPlaneKillTest {
    static final String ENCRYPTION_KEY = "F5uf+t1b6EtbQwaoOSRQ5xTP2Bq+4dmwN5VSe7gqKzQ=";
    static final int BULK = 20_000;

    @TempDir
    Path dataDir;

    private static long query(String url, String sql, String param) throws Exception {
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static long quietly(String url, String sql, String param) {
        try {
            return query(url, sql, param);
        } catch (Exception e) {
            return -1;
        }
    }

    private static final long T0 = System.nanoTime();

    private static void phase(String what) {
        System.out.printf("ControlPlaneKillTest %6d ms: %s%n", (System.nanoTime() - T0) / 1_000_000, what);
    }

    @Test
    void killMinusNineMidDrainThenRestartBillsEveryEventOnceAndReconcilesExactly() throws Exception {
        String db = TestPostgres.newDatabase();
        try (Sim sim = Sim.start(SimConfig.builder().openRouterPort(0).stripePort(0).ioThreads(1).build())) {
            int api = ControlPlaneProcess.freePort();
            int admin = ControlPlaneProcess.freePort();
            int internal = ControlPlaneProcess.freePort();
            Map<String, String> env = new HashMap<>();
            env.put("DEXTO_ENV", "local");
            env.put("DEXTO_DATA_DIR", dataDir.toString());
            env.put("DEXTO_DATABASE_URL", db);
            env.put("DEXTO_CONTROL_PORT", Integer.toString(api));
            env.put("DEXTO_CONTROL_ADMIN_PORT", Integer.toString(admin));
            env.put("DEXTO_CONTROL_INTERNAL_PORT", Integer.toString(internal));
            env.put("DEXTO_UPSTREAM_URL", sim.openRouterBaseUrl());
            env.put("STRIPE_API_BASE", sim.stripeBaseUrl());
            env.put("OPENROUTER_PROVISIONING_KEY", SimConfig.DEFAULT_PROVISIONING_KEY);
            env.put("DEXTO_JWT_SECRET", ControlPlaneHarness.JWT_SECRET);
            env.put("DEXTO_ADMIN_TOKEN", ControlPlaneHarness.ADMIN_TOKEN);
            env.put("DEXTO_INTERNAL_TOKEN", ControlPlaneHarness.INTERNAL_TOKEN);
            env.put("ENCRYPTION_KEY", ENCRYPTION_KEY);
            env.put("DEXTO_RECONCILE_INTERVAL_MILLIS", "300");
            Path log = dataDir.resolve("controlplane.log");
            String health = "http://127.0.0.1:" + admin + "/healthcheck";
            Http apiHttp = new Http("http://127.0.0.1:" + api);
            Http internalHttp = new Http("http://127.0.0.1:" + internal);

            long charged = 0;
            Process first = ControlPlaneProcess.start(env, log);
            try {
                assertTrue(ControlPlaneProcess.awaitOk(first, health, 120_000), Files.readString(log, StandardCharsets.UTF_8));
                phase("first started");
                String user = ControlPlaneHarness.newUserId();
                String jwt = new SessionTokens(ControlPlaneHarness.JWT_SECRET, "authenticated", null)
                        .issue(user, user + "@example.test", Duration.ofHours(1));
                assertEquals(200, apiHttp.post("/api/provision", jwt, null).status());
                FeedSnapshot snapshot = Json.newMapper().readValue(internalHttp.get("/internal/feed/snapshot?node=k",
                        ControlPlaneHarness.INTERNAL_TOKEN).body(), FeedSnapshot.class);
                String upstreamKey = UpstreamKeyCipher.fromBase64(ENCRYPTION_KEY).open(user, snapshot.users().stream()
                        .filter(u -> u.userId().equals(user)).findFirst().orElseThrow().upstreamKeyCiphertext());

                Http upstream = new Http(sim.openRouterBaseUrl());
                try (JournalWriter w = new JournalWriter(dataDir.resolve("journal").resolve("node-k"), "node-k")) {
                    for (int i = 0; i < BULK; i++) {
                        w.write("bulk-user", 7, 100, "m");
                    }
                    for (int i = 0; i < 4; i++) {
                        Http.Reply r = upstream.post("/chat/completions", upstreamKey,
                                "{\"model\":\"openai/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
                        assertEquals(200, r.status(), r.toString());
                        String generation = r.header("X-Generation-Id");
                        long cost = Money.parseUsd(upstream.get("/generation?id=" + generation, upstreamKey).json()
                                .path("data").path("total_cost").asText());
                        charged += cost;
                        UsageEvent e = w.event(user, 1, i % 2 == 0 ? cost : Money.ofCents(5), "openai/gpt-4o-mini");
                        e.generationId.setLength(0);
                        e.generationId.append(generation);
                        e.costPending = i % 2 == 1; // the other half is known only to the upstream yet
                        e.upstreamCostNanos = e.billedCostNanos;
                        w.write(e);
                    }
                }
                await(() -> quietly(db, "SELECT count(*) FROM usage_ledger", null) > 0, 60_000, "the drain under way");
                phase("drain under way, killing");
            } finally {
                first.destroyForcibly(); // SIGKILL: no shutdown hook, no lifecycle stop
                first.waitFor(30, TimeUnit.SECONDS);
            }
            long atKill = query(db, "SELECT count(*) FROM usage_ledger", null);
            assertTrue(atKill < BULK + 4, "killed mid-drain: " + atKill + " of " + (BULK + 4));

            Process second = ControlPlaneProcess.start(env, log);
            try {
                assertTrue(ControlPlaneProcess.awaitOk(second, health, 120_000), Files.readString(log, StandardCharsets.UTF_8));
                phase("second started");
                await(() -> quietly(db, "SELECT count(*) FROM usage_ledger", null) == BULK + 4, 120_000,
                        "every event after the restart");
                phase("all drained");
                await(() -> quietly(db, "SELECT count(*) FROM usage_ledger WHERE cost_status = 'pending'", null) == 0,
                        60_000, "the pending costs settled");
                phase("pending settled");
                long realUser = query(db, "SELECT count(DISTINCT user_id) FROM usage_ledger WHERE user_id <> 'bulk-user'", null);
                assertEquals(1, realUser);
                assertEquals(BULK + 4, query(db, "SELECT count(DISTINCT request_id) FROM usage_ledger", null));
                assertEquals(-BULK * 100L, query(db, "SELECT balance_nanos FROM balances WHERE user_id = 'bulk-user'", null));
                assertEquals(Money.ofUsd(10) - charged, query(db, "SELECT b.balance_nanos FROM balances b "
                        + "WHERE b.user_id <> 'bulk-user'", null), "billed exactly what the upstream charged");
                long expected = charged;
                await(() -> quietly(db, "SELECT count(*) FROM reconciliation_state WHERE drift_nanos = 0 "
                        + "AND upstream_nanos = " + expected + " AND ledger_nanos = " + expected, null) == 1, 60_000,
                        "an exact reconciliation");
                phase("reconciled");
                JsonNode audit = internalHttp.get("/admin/audit", ControlPlaneHarness.ADMIN_TOKEN).json();
                assertTrue(audit.path("ok").asBoolean(), audit.toString());
                assertTrue(audit.path("reconciliation").path("ok").asBoolean(), audit.toString());
                assertEquals(0, audit.path("reconciliation").path("pending_usage").asLong(), audit.toString());
            } finally {
                second.destroy();
                second.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
