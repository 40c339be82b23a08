package ai.dexto.gateway.controlplane.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * More slow CSV downloads than the pool has connections: each page is a short read that returns its
 * connection before the rows are written, so while every download is stalled on its client the drain
 * still commits usage, a Stripe webhook still credits, the feed still answers and an admin credit still
 * lands.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CsvExportStarvationTest {
    static final int POOL = 6;
    static final int SLOW_READERS = 12;
    static final ControlPlaneHarness H = new ControlPlaneHarness(Map.of(
            "database.maxPoolSize", Integer.toString(POOL),
            "database.connectionTimeoutMillis", "3000",
            "limits.csvPageRows", "500"));
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    @Test
    void slowDownloadsHoldNoConnectionSoTheDrainAndTheWebhooksStillCommit() throws Exception {
        String exporter = ControlPlaneHarness.newUserId();
        String exporterKey = H.provision(exporter);
        long keyId = H.api().get("/keys", exporterKey).json().path("keys").get(0).path("id").asLong();
        // 40,000 zero-cost rows (~7 MB of CSV): far more than the socket buffers of a stalled reader hold
        try (Connection c = H.application().database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO usage_ledger (request_id, user_id, key_id, "
                     + "node_id, node_sequence, model, prompt_tokens, completion_tokens, billed_cost_nanos, "
                     + "upstream_cost_nanos, status, streamed, http_status, completed_at) "
                     + "SELECT gen_random_uuid(), ?, ?, 'seed', g, 'openai/gpt-4o-mini', 10, 20, 0, 0, 'OK', false, 200, "
                     + "now() - g * interval '1 millisecond' FROM generate_series(1, 40000) g")) {
            ps.setString(1, exporter);
            ps.setLong(2, keyId);
            assertEquals(40_000, ps.executeUpdate());
        }

        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < SLOW_READERS; i++) {
                Socket s = new Socket();
                s.setReceiveBufferSize(4096);
                s.connect(new InetSocketAddress("127.0.0.1", H.app.getLocalPort()), 5_000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("GET /me/usage.csv HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + exporterKey
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] first = in.readNBytes(512); // the download started; from now on it is never read
                assertTrue(new String(first, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
                stalled.add(s);
            }

            // the drain: a data-plane node's journal with usage of another user
            String payer = ControlPlaneHarness.newUserId();
            String payerKey = H.provision(payer);
            long payerKeyId = H.api().get("/keys", payerKey).json().path("keys").get(0).path("id").asLong();
            try (JournalWriter journal = new JournalWriter(H.dataDir.resolve("journal").resolve("node-s"), "node-s")) {
                for (int i = 0; i < 5; i++) {
                    journal.write(payer, payerKeyId, 1_000_000, "openai/gpt-4o-mini");
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (H.api().get("/me/usage", payerKey).json().path("total_requests").asLong() < 5) {
                assertTrue(System.nanoTime() < deadline, "the drain did not commit while downloads were stalled");
                Thread.sleep(50);
            }

            // a Stripe webhook
            H.sim.stripe().setWebhook("http://127.0.0.1:" + H.app.getLocalPort() + "/api/stripe/webhook",
                    ControlPlaneHarness.WEBHOOK_SECRET);
            Http.Reply session = H.api().post("/api/stripe/create-checkout-session", payerKey, "{\"amount_usd\":10}");
            assertEquals(200, session.status(), session.toString());
            assertEquals(List.of(200), H.sim.stripe().deliver(H.sim.stripe().completeSession(
                    session.json().path("sessionId").asText(), true, false), 1));

            // the gateways' feed
            assertEquals(200, H.internal().get("/internal/feed/snapshot?node=n", ControlPlaneHarness.INTERNAL_TOKEN)
                    .status());

            // an admin credit
            assertEquals(200, H.internal().post("/admin/users/" + payer + "/credits", ControlPlaneHarness.ADMIN_TOKEN,
                    "{\"amount_usd\":\"1\",\"reason\":\"starvation test\"}").status());
            // intro 10 + top-up 10 + admin 1 − 5 requests of 0.001
            assertEquals(Money.parseUsd("20.995"),
                    Money.parseUsd(H.api().get("/me/usage", payerKey).json().path("balance").asText()));
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
        assertTrue(H.internal().get("/admin/audit", ControlPlaneHarness.ADMIN_TOKEN).json().path("ok").asBoolean());
    }
}
