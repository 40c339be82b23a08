package ai.dexto.gateway.controlplane.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.stripe.net.Webhook;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PaymentsTest {
    static final ControlPlaneHarness H = new ControlPlaneHarness();
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;
    static final String ADMIN = ControlPlaneHarness.ADMIN_TOKEN;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    @BeforeEach
    void aimTheSimsWebhooksAtTheControlPlane() {
        H.sim.stripe().setWebhook("http://127.0.0.1:" + H.app.getLocalPort() + "/api/stripe/webhook",
                ControlPlaneHarness.WEBHOOK_SECRET);
    }

    private static Http stripeSim() {
        return new Http(H.sim.stripeBaseUrl());
    }

    private static String balance(String user) {
        return H.api().get("/me/usage", H.jwt(user)).json().path("balance").asText();
    }

    private static JsonNode checkout(String user, int usd) {
        Http.Reply r = H.api().post("/api/stripe/create-checkout-session", H.jwt(user), "{\"amount_usd\":" + usd + "}");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static long eventsRecorded() throws Exception {
        try (var c = H.application().database().dataSource().getConnection();
             var rs = c.createStatement().executeQuery("SELECT count(*) FROM stripe_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Http.Reply postSigned(String payload, String signature) {
        return H.api().send("POST", "/api/stripe/webhook", null, payload,
                signature == null ? Map.of() : Map.of("Stripe-Signature", signature));
    }

    static String sign(String payload, long timestamp, String secret) throws Exception {
        return "t=" + timestamp + ",v1=" + Webhook.Util.computeHmacSha256(secret, timestamp + "." + payload);
    }

    @Test
    void aPaidCheckoutCreditsTheAmountOnceAndCompletesTheTransaction() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        JsonNode session = checkout(user, 25);
        assertTrue(session.path("sessionId").asText().startsWith("cs_"));
        assertTrue(session.path("sessionUrl").asText().startsWith("http"));
        JsonNode pending = H.api().get("/me/transactions", H.jwt(user)).json().path("transactions").get(0);
        assertEquals("pending", pending.path("status").asText());
        assertEquals("25.00", pending.path("amount").asText());

        long start = System.nanoTime();
        H.sim.stripe().completeSession(session.path("sessionId").asText(), true, true);
        await(() -> balance(user).equals("35.00"), "the top-up");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 2000, "credited in " + ms + " ms");
        JsonNode done = H.api().get("/me/transactions", H.jwt(user)).json().path("transactions").get(0);
        assertEquals("completed", done.path("status").asText());
        assertNotNull(done.path("completed_at").asText(null));
        // the feed carries the new balance to the data plane
        JsonNode snapshot = H.internal().get("/internal/feed/snapshot?node=n", ControlPlaneHarness.INTERNAL_TOKEN).json();
        for (JsonNode u : snapshot.path("users")) {
            if (u.path("user_id").asText().equals(user)) {
                assertEquals(35_000_000_000L, u.path("balance_nanos").asLong());
            }
        }
        assertTrue(H.internal().get("/admin/audit", ADMIN).json().path("ok").asBoolean());
    }

    @Test
    void tenParallelDeliveriesOfOneEventCreditOnce() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String sessionId = checkout(user, 10).path("sessionId").asText();
        String eventId = H.sim.stripe().completeSession(sessionId, true, false);
        List<Integer> statuses = H.sim.stripe().deliver(eventId, 10);
        assertEquals(10, statuses.size());
        for (int s : statuses) {
            assertEquals(200, s);
        }
        assertEquals("20.00", balance(user));
        H.sim.stripe().deliver(eventId, 3);
        assertEquals("20.00", balance(user));
    }

    @Test
    void aSessionCreditsOnceEvenThroughTwoDifferentEventIds() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String sessionId = checkout(user, 5).path("sessionId").asText();
        Http.Reply completed = stripeSim().post("/sim/checkout/sessions/" + sessionId + "/complete?payment_status=paid&deliver=false",
                null, "");
        assertEquals(200, completed.status(), completed.toString());
        ObjectNode event = (ObjectNode) completed.json();
        String original = Http.JSON.writeValueAsString(event);
        long now = System.currentTimeMillis() / 1000;
        assertEquals(200, postSigned(original, sign(original, now, ControlPlaneHarness.WEBHOOK_SECRET)).status());
        event.put("id", event.path("id").asText() + "_copy");
        String copy = Http.JSON.writeValueAsString(event);
        Http.Reply second = postSigned(copy, sign(copy, now, ControlPlaneHarness.WEBHOOK_SECRET));
        assertEquals(200, second.status(), second.toString());
        assertEquals("duplicate", second.json().path("outcome").asText());
        assertEquals("15.00", balance(user));
    }

    @Test
    void forgedWrongSecretStaleMissingAndMalformedDeliveriesAre400sThatChangeNothing() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String sessionId = checkout(user, 50).path("sessionId").asText();
        String payload = stripeSim().post("/sim/checkout/sessions/" + sessionId + "/complete?deliver=false", null, "").body();
        long now = System.currentTimeMillis() / 1000;
        long before = eventsRecorded();
        String good = sign(payload, now, ControlPlaneHarness.WEBHOOK_SECRET);
        String[][] cases = {
                {payload, "t=" + now + ",v1=" + "0".repeat(64)},                         // forged
                {payload, sign(payload, now, "whsec_wrong")},                              // wrong secret
                {payload, sign(payload, now - 3600, ControlPlaneHarness.WEBHOOK_SECRET)},  // stale
                {payload, null},                                                           // missing
                {payload.replace("\"amount_total\":5000", "\"amount_total\":500000"), good}, // tampered body
                {"{not json", sign("{not json", now, ControlPlaneHarness.WEBHOOK_SECRET)},   // malformed, signed
                {"", sign("", now, ControlPlaneHarness.WEBHOOK_SECRET)},                     // empty, signed
        };
        for (String[] c : cases) {
            Http.Reply r = postSigned(c[0], c[1]);
            assertEquals(400, r.status(), r.toString());
            assertEquals("invalid_request_error", r.json().path("error").path("type").asText());
        }
        assertEquals(before, eventsRecorded());
        assertEquals("10.00", balance(user));
        // several v1 signatures (secret rotation): one valid is enough
        String multi = good + ",v1=" + "f".repeat(64);
        Http.Reply ok = postSigned(payload, "t=" + now + ",v1=" + "a".repeat(64) + "," + multi.substring(multi.indexOf("v1=")));
        assertEquals(200, ok.status(), ok.toString());
        assertEquals("60.00", balance(user));
    }

    @Test
    void expiredAndFailedSessionsSettleWithoutCreditAndNeverDowngradeACompletedOne() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String expiring = checkout(user, 5).path("sessionId").asText();
        Http.Reply expired = stripeSim().send("POST", "/v1/checkout/sessions/" + expiring + "/expire",
                ai.dexto.gateway.sim.SimConfig.DEFAULT_STRIPE_SECRET_KEY, null, Map.of());
        assertEquals(200, expired.status(), expired.toString());
        await(() -> status(user, expiring).equals("expired"), "expired status");

        String delayed = checkout(user, 10).path("sessionId").asText();
        H.sim.stripe().completeSession(delayed, false, true);
        Thread.sleep(200);
        assertEquals("pending", status(user, delayed));
        H.sim.stripe().settleAsyncPayment(delayed, false);
        await(() -> status(user, delayed).equals("failed"), "failed status");

        String delayedOk = checkout(user, 25).path("sessionId").asText();
        H.sim.stripe().completeSession(delayedOk, false, true);
        H.sim.stripe().settleAsyncPayment(delayedOk, true);
        await(() -> status(user, delayedOk).equals("completed"), "async success");
        assertEquals("35.00", balance(user));

        // a late "expired" for the completed session changes nothing
        Http.Reply completedEvent = stripeSim().get("/sim/events", null);
        JsonNode template = null;
        for (JsonNode e : completedEvent.json().path("data")) {
            if (e.path("session").asText().equals(delayedOk)) {
                template = e.path("event");
            }
        }
        assertNotNull(template);
        ObjectNode late = template.deepCopy();
        late.put("id", "evt_late_expired_" + System.nanoTime());
        late.put("type", "checkout.session.expired");
        String body = Http.JSON.writeValueAsString(late);
        assertEquals(200, postSigned(body, sign(body, System.currentTimeMillis() / 1000,
                ControlPlaneHarness.WEBHOOK_SECRET)).status());
        assertEquals("completed", status(user, delayedOk));
        assertEquals("35.00", balance(user));
        assertTrue(H.internal().get("/admin/audit", ADMIN).json().path("ok").asBoolean());
    }

    @Test
    void checkoutRefusesAmountsOutsideThePacksAndAnonymousCallers() {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        for (String body : new String[] {"{\"amount_usd\":7}", "{\"amount_usd\":10.5}", "{\"amount_usd\":\"abc\"}",
                "{}", "{\"amount_usd\":-5}"}) {
            Http.Reply r = H.api().post("/api/stripe/create-checkout-session", key, body);
            assertEquals(400, r.status(), body + " → " + r);
        }
        assertEquals(200, H.api().post("/api/stripe/create-checkout-session", key, "{\"amount_usd\":100}").status(),
                "an API key may start a checkout too");
        assertEquals(401, H.api().post("/api/stripe/create-checkout-session", null, "{\"amount_usd\":5}").status());
    }

    @Test
    void adminListsTransactionsAndRefundsACompletedOneOnce() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String sessionId = checkout(user, 50).path("sessionId").asText();
        H.sim.stripe().completeSession(sessionId, true, true);
        await(() -> balance(user).equals("60.00"), "top-up");
        JsonNode list = H.internal().get("/admin/transactions?user=" + user + "&status=completed", ADMIN).json();
        assertEquals(1, list.path("transactions").size());
        String txId = list.path("transactions").get(0).path("id").asText();
        assertEquals(400, H.internal().get("/admin/transactions?status=bogus", ADMIN).status());
        assertEquals(400, H.internal().post("/admin/transactions/" + txId + "/refund", ADMIN, "{\"kind\":\"refund\"}").status());
        Http.Reply refund = H.internal().post("/admin/transactions/" + txId + "/refund", ADMIN,
                "{\"kind\":\"chargeback\",\"reason\":\"card dispute\"}");
        assertEquals(200, refund.status(), refund.toString());
        assertEquals("10.00", balance(user));
        assertEquals(409, H.internal().post("/admin/transactions/" + txId + "/refund", ADMIN,
                "{\"kind\":\"refund\",\"reason\":\"again\"}").status());
        assertEquals(404, H.internal().post("/admin/transactions/" + java.util.UUID.randomUUID() + "/refund", ADMIN,
                "{\"kind\":\"refund\",\"reason\":\"x\"}").status());
        assertEquals("refunded", H.internal().get("/admin/transactions?user=" + user, ADMIN).json()
                .path("transactions").get(0).path("status").asText());
        assertTrue(H.internal().get("/admin/audit", ADMIN).json().path("ok").asBoolean());
    }

    @Test
    void usersSeeOnlyTheirOwnTransactions() {
        String a = ControlPlaneHarness.newUserId();
        String b = ControlPlaneHarness.newUserId();
        H.provision(a);
        H.provision(b);
        String session = checkout(a, 5).path("sessionId").asText();
        JsonNode ofA = H.api().get("/me/transactions", H.jwt(a)).json().path("transactions");
        JsonNode ofB = H.api().get("/me/transactions", H.jwt(b)).json().path("transactions");
        // each sees its intro credit; only a sees the top-up
        assertEquals(2, ofA.size(), ofA.toString());
        assertEquals(session, ofA.get(0).path("stripe_session_id").asText());
        assertEquals("intro", ofA.get(1).path("kind").asText());
        assertEquals(1, ofB.size(), ofB.toString());
        assertEquals("intro", ofB.get(0).path("kind").asText());
        assertEquals("10.00", ofB.get(0).path("amount").asText());
    }

    private static String status(String user, String sessionId) {
        for (JsonNode t : H.api().get("/me/transactions", H.jwt(user)).json().path("transactions")) {
            if (sessionId.equals(t.path("stripe_session_id").asText())) {
                return t.path("status").asText();
            }
        }
        return "missing";
    }
}
