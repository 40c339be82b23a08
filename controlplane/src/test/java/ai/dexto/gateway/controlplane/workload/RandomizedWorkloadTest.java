package ai.dexto.gateway.controlplane.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;

/**
 * 120 users, three data-plane journals written concurrently, Stripe top-ups (each delivered twice)
 * and admin credits and debits interleaved,
 * the drain stopped and restarted midway: in the end every event is billed once and the audit holds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RandomizedWorkloadTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    @Test
    void everyEventIsCountedOnceAndTheAuditHoldsAfterARestartMidway() throws Exception {
        int users = 120;
        List<String> ids = new ArrayList<>();
        List<Long> keyIds = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String id = "wl-" + i + "-" + ControlPlaneHarness.newUserId();
            String key = H.provision(id);
            ids.add(id);
            keyIds.add(H.api().get("/keys", key).json().path("keys").get(0).path("id").asLong());
        }
        AtomicLongArray spent = new AtomicLongArray(users);
        AtomicLongArray credited = new AtomicLongArray(users);
        AtomicLong events = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> work = new ArrayList<>();
        for (int node = 0; node < 3; node++) {
            String nodeId = "wl-node-" + node;
            long seed = 1000 + node;
            work.add(pool.submit(() -> {
                Random random = new Random(seed);
                try (JournalWriter w = new JournalWriter(H.dataDir.resolve("journal").resolve(nodeId), nodeId)) {
                    for (int i = 0; i < 3000; i++) {
                        int u = random.nextInt(users);
                        long cost = 1 + random.nextInt(2_000_000);
                        w.write(ids.get(u), keyIds.get(u), cost, random.nextBoolean() ? "m-a" : "m-b");
                        spent.addAndGet(u, cost);
                        events.incrementAndGet();
                        if (i % 500 == 0) {
                            Thread.sleep(5);
                        }
                    }
                }
                return null;
            }));
        }
        work.add(pool.submit(() -> {
            Random random = new Random(7);
            for (int i = 0; i < 150; i++) {
                int u = random.nextInt(users);
                long cents = random.nextInt(3000) - 500;
                if (cents == 0) {
                    continue;
                }
                Http.Reply r = H.internal().post("/admin/users/" + ids.get(u) + "/credits", ControlPlaneHarness.ADMIN_TOKEN,
                        "{\"amount_usd\":\"" + Money.format(Money.ofCents(cents)) + "\",\"reason\":\"workload\"}");
                assertEquals(200, r.status(), r.toString());
                credited.addAndGet(u, Money.ofCents(cents));
            }
            return null;
        }));
        H.sim.stripe().setWebhook("http://127.0.0.1:" + H.app.getLocalPort() + "/api/stripe/webhook",
                ControlPlaneHarness.WEBHOOK_SECRET);
        work.add(pool.submit(() -> {
            Random random = new Random(11);
            for (int i = 0; i < 20; i++) {
                int u = random.nextInt(users);
                long usd = List.of(5L, 10L, 25L).get(random.nextInt(3));
                Http.Reply r = H.api().post("/api/stripe/create-checkout-session", H.jwt(ids.get(u)),
                        "{\"amount_usd\":" + usd + "}");
                assertEquals(200, r.status(), r.toString());
                String eventId = H.sim.stripe().completeSession(r.json().path("sessionId").asText(), true, false);
                for (int status : H.sim.stripe().deliver(eventId, 2)) {
                    assertEquals(200, status);
                }
                credited.addAndGet(u, Money.ofUsd(usd));
            }
            return null;
        }));
        work.add(pool.submit(() -> {
            Thread.sleep(150);
            H.application().drain().stop();
            Thread.sleep(300);
            H.application().drain().start();
            return null;
        }));
        for (Future<?> f : work) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();

        long deadline = System.currentTimeMillis() + 60_000;
        while (count("SELECT count(*) FROM usage_ledger WHERE node_id LIKE 'wl-node-%'") < events.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("drain did not finish");
            }
            Thread.sleep(50);
        }
        assertEquals(9000, events.get());
        assertEquals(events.get(), count("SELECT count(*) FROM usage_ledger WHERE node_id LIKE 'wl-node-%'"));
        assertEquals(events.get(), count("SELECT count(DISTINCT request_id) FROM usage_ledger WHERE node_id LIKE 'wl-node-%'"));
        JsonNode audit = H.internal().get("/admin/audit", ControlPlaneHarness.ADMIN_TOKEN).json();
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
        assertTrue(audit.path("users_checked").asLong() >= users);
        Map<String, Long> balances = new ConcurrentHashMap<>();
        try (Connection c = H.application().database().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT user_id, balance_nanos FROM balances WHERE user_id LIKE 'wl-%'")) {
            while (rs.next()) {
                balances.put(rs.getString(1), rs.getLong(2));
            }
        }
        for (int u = 0; u < users; u++) {
            long expected = Money.ofUsd(10) + credited.get(u) - spent.get(u);
            assertEquals(expected, balances.get(ids.get(u)), "balance of user " + u);
        }
        for (int node = 0; node < 3; node++) {
            assertEquals(3000, count("SELECT max(applied_sequence) FROM balance_node_offsets WHERE node_id = 'wl-node-" + node + "'"));
        }
    }

    static long count(String sql) throws Exception {
        try (Connection c = H.application().database().dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
