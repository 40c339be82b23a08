package ai.dexto.gateway.controlplane.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.sim.SimConfig;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11 item 6 through the real control plane, PostgreSQL and the simulated Stripe: a paid session
 * credits only what we sold; refunds and disputes done in Stripe debit (or restore) once, in any
 * delivery order. After every test each user's balance is what the test expects and the audit is clean.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class StripeMatchingTest {
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

    @AfterEach
    void auditIsClean() {
        JsonNode audit = H.internal().get("/admin/audit", ADMIN).json();
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
    }

    private static String balance(String user) {
        return H.api().get("/me/usage", H.jwt(user)).json().path("balance").asText();
    }

    private static String checkout(String user, int usd) {
        Http.Reply r = H.api().post("/api/stripe/create-checkout-session", H.jwt(user), "{\"amount_usd\":" + usd + "}");
        assertEquals(200, r.status(), r.toString());
        return r.json().path("sessionId").asText();
    }

    private static String transactionId(String user, String sessionId) {
        for (JsonNode t : H.api().get("/me/transactions", H.jwt(user)).json().path("transactions")) {
            if (sessionId.equals(t.path("stripe_session_id").asText())) {
                return t.path("id").asText();
            }
        }
        throw new AssertionError("no transaction for " + sessionId);
    }

    /** A session made on our Stripe account by someone else than our checkout (a payment link, a script). */
    private static String foreignSession(long cents, String currency, String metadata) {
        String form = "mode=payment&line_items[0][price_data][currency]=" + currency
                + "&line_items[0][price_data][unit_amount]=" + cents
                + "&line_items[0][price_data][product_data][name]=x&line_items[0][quantity]=1"
                + "&success_url=https://example.test/ok" + metadata;
        Http.Reply r = new Http(H.sim.stripeBaseUrl()).send("POST", "/v1/checkout/sessions",
                SimConfig.DEFAULT_STRIPE_SECRET_KEY, form, Map.of());
        assertEquals(200, r.status(), r.toString());
        return r.json().path("id").asText();
    }

    private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static void deliver(String eventId, int expectedStatus) {
        List<Integer> statuses = H.sim.stripe().deliver(eventId, 1);
        assertEquals(List.of(expectedStatus), statuses, eventId);
    }

    private static JsonNode unmatched(String objectId) {
        for (JsonNode t : H.internal().get("/admin/transactions?status=unmatched", ADMIN).json().path("transactions")) {
            if (objectId.equals(t.path("stripe_object_id").asText())) {
                return t;
            }
        }
        return null;
    }

    private static String paidUser(int usd) throws InterruptedException {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String session = checkout(user, usd);
        deliver(H.sim.stripe().completeSession(session, true, false), 200);
        assertEquals(String.format("%d.00", 10 + usd), balance(user));
        return user + " " + session;
    }

    @Test
    void aPaidSessionWeDidNotSellIsRecordedAsUnmatchedAndNeverCredited() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String foreign = foreignSession(100_000, "usd", "&metadata[user_id]=" + user + "&client_reference_id=" + user);
        deliver(H.sim.stripe().completeSession(foreign, true, false), 200);
        assertEquals("10.00", balance(user));
        JsonNode row = unmatched(foreign);
        assertEquals("unmatched", row.path("status").asText());
        assertEquals(user, row.path("user_id").asText());
        assertEquals(100_000, row.path("amount_cents").asLong());
        assertTrue(row.path("reason").asText().contains("no transaction"), row.toString());
        // refunding that foreign payment later takes nothing from the user either
        deliver(H.sim.stripe().refund(foreign, null, false), 200);
        assertEquals("10.00", balance(user));
    }

    @Test
    void aSessionNamingOurTransactionButAnotherAmountOrCurrencyIsNotCredited() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String ours = checkout(user, 5);
        String txId = transactionId(user, ours);
        String bigger = foreignSession(10_000, "usd", "&metadata[user_id]=" + user + "&metadata[transaction_id]=" + txId);
        deliver(H.sim.stripe().completeSession(bigger, true, false), 200);
        String euros = foreignSession(500, "eur", "&metadata[user_id]=" + user + "&metadata[transaction_id]=" + txId);
        deliver(H.sim.stripe().completeSession(euros, true, false), 200);
        assertEquals("10.00", balance(user));
        assertTrue(unmatched(bigger).path("reason").asText().contains("another session")
                || unmatched(bigger).path("reason").asText().contains("amount"), unmatched(bigger).toString());
        assertTrue(unmatched(euros).toString().contains("eur"), unmatched(euros).toString());
        // the real session still pays exactly once
        deliver(H.sim.stripe().completeSession(ours, true, false), 200);
        assertEquals("15.00", balance(user));
    }

    @Test
    void partialAndFullRefundsDebitOnceInAnyOrder() throws Exception {
        String[] us = paidUser(50).split(" ");
        String user = us[0];
        String session = us[1];
        String first = H.sim.stripe().refund(session, 2_000L, false);   // cumulative 20.00
        String second = H.sim.stripe().refund(session, 3_000L, false);  // cumulative 50.00
        deliver(second, 200);
        assertEquals("10.00", balance(user));
        deliver(first, 200);          // older view of the refunds: nothing more
        H.sim.stripe().deliver(second, 5);
        assertEquals("10.00", balance(user));
        JsonNode t = H.internal().get("/admin/transactions?user=" + user, ADMIN).json().path("transactions").get(0);
        assertEquals("refunded", t.path("status").asText());
        assertEquals("50.00", t.path("refunded").asText());

        String[] vs = paidUser(25).split(" ");
        deliver(H.sim.stripe().refund(vs[1], 500L, false), 200);
        assertEquals("30.00", balance(vs[0]));
    }

    @Test
    void aRefundDeliveredBeforeItsCheckoutIsRefusedUntilTheCheckoutArrives() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        H.provision(user);
        String session = checkout(user, 10);
        String completed = H.sim.stripe().completeSession(session, true, false);
        String refund = H.sim.stripe().refund(session, null, false);
        deliver(refund, 409);         // not recorded: Stripe retries it
        deliver(completed, 200);
        assertEquals("20.00", balance(user));
        deliver(refund, 200);         // the retry
        assertEquals("10.00", balance(user));
    }

    @Test
    void anAdminRefundAndStripesRefundEventTakeTheMoneyBackOnce() throws Exception {
        String[] us = paidUser(25).split(" ");
        String txId = transactionId(us[0], us[1]);
        assertEquals(200, H.internal().post("/admin/transactions/" + txId + "/refund", ADMIN,
                "{\"kind\":\"refund\",\"reason\":\"asked by mail\"}").status());
        assertEquals("10.00", balance(us[0]));
        deliver(H.sim.stripe().refund(us[1], null, false), 200);
        assertEquals("10.00", balance(us[0]));
    }

    @Test
    void aDisputeDebitsAndAWonDisputeRestoresOnceUnderRedelivery() throws Exception {
        String[] us = paidUser(50).split(" ");
        String created = H.sim.stripe().dispute(us[1], false);
        String dispute = H.sim.stripe().disputesOf(us[1]).get(0);
        H.sim.stripe().deliver(created, 4);
        assertEquals("10.00", balance(us[0]));
        String won = H.sim.stripe().closeDispute(dispute, true, false);
        H.sim.stripe().deliver(won, 4);
        deliver(created, 200);
        assertEquals("60.00", balance(us[0]));
    }

    @Test
    void aLostDisputeKeepsItsDebitAndOrderDoesNotMatter() throws Exception {
        String[] us = paidUser(25).split(" ");
        String created = H.sim.stripe().dispute(us[1], false);
        String lost = H.sim.stripe().closeDispute(H.sim.stripe().disputesOf(us[1]).get(0), false, false);
        deliver(lost, 200);            // closed arrives first
        deliver(created, 200);
        H.sim.stripe().deliver(lost, 3);
        assertEquals("10.00", balance(us[0]));

        String[] vs = paidUser(10).split(" ");
        String vCreated = H.sim.stripe().dispute(vs[1], false);
        deliver(H.sim.stripe().closeDispute(H.sim.stripe().disputesOf(vs[1]).get(0), true, false), 200);
        deliver(vCreated, 200);        // won before we saw it open: nothing taken, nothing given
        assertEquals("20.00", balance(vs[0]));
    }

    @Test
    void aDisputeOfAFullyRefundedChargeTakesNothingMore() throws Exception {
        String[] us = paidUser(5).split(" ");
        deliver(H.sim.stripe().refund(us[1], null, false), 200);
        deliver(H.sim.stripe().dispute(us[1], false), 200);
        assertEquals("10.00", balance(us[0]));
    }
}
