package ai.dexto.gateway.sim.stripe;

import static ai.dexto.gateway.sim.TestHttp.json;
import static ai.dexto.gateway.sim.TestHttp.postJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.sim.Sim;
import ai.dexto.gateway.sim.SimConfig;
import ai.dexto.gateway.sim.TestHttp;
import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.checkout.SessionCreateParams;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StripeCheckoutIT {
    private static final String SECRET = "whsec_it_" + UUID.randomUUID();
    private static Sim sim;
    private static StripeClient stripe;
    private static WebhookReceiver receiver;

    @BeforeAll
    static void start() {
        sim = Sim.start(SimConfig.ephemeral());
        stripe = StripeClient.builder()
                .setApiKey(SimConfig.DEFAULT_STRIPE_SECRET_KEY)
                .setApiBase(sim.stripeBaseUrl())
                .setMaxNetworkRetries(0)
                .build();
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        sim.close();
    }

    @BeforeEach
    void aimWebhooksAtTheReceiver() throws InterruptedException {
        sim.stripe().setWebhook(receiver.url(), SECRET);
        receiver.answerWith(200);
        while (receiver.poll(0) != null) {
            // drop what an earlier test left behind
        }
    }

    private static Session createSession(RequestOptions options) throws Exception {
        SessionCreateParams params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setQuantity(2L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency("usd")
                                .setUnitAmount(500L)
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName("Dexto credits").build())
                                .build())
                        .build())
                .setClientReferenceId("user-7")
                .putMetadata("user_id", "user-7")
                .setSuccessUrl("http://127.0.0.1/ok?session={CHECKOUT_SESSION_ID}")
                .setCancelUrl("http://127.0.0.1/cancel")
                .build();
        return options == null ? stripe.v1().checkout().sessions().create(params)
                : stripe.v1().checkout().sessions().create(params, options);
    }

    private static JsonNode simPost(String path) {
        HttpResponse<String> response = postJson(sim.stripeBaseUrl() + path, null, "");
        assertEquals(200, response.statusCode(), response.body());
        return json(response);
    }

    private static Event verified(WebhookReceiver.Delivery delivery) throws SignatureVerificationException {
        assertEquals("application/json; charset=utf-8", delivery.contentType());
        assertTrue(delivery.signature().matches("t=\\d+,v1=[0-9a-f]{64}"), delivery.signature());
        return Webhook.constructEvent(delivery.payload(), delivery.signature(), SECRET);
    }

    private static Session sessionOf(Event event) {
        return (Session) event.getDataObjectDeserializer().getObject().orElseThrow(
                () -> new AssertionError("SDK could not read data.object (api_version " + event.getApiVersion() + ")"));
    }

    @Test
    void sdkCreatesAnOpenSessionAndRetrievesIt() throws Exception {
        Session session = createSession(null);
        assertTrue(session.getId().startsWith("cs_test_"));
        assertEquals("checkout.session", session.getObject());
        assertEquals(1000L, session.getAmountTotal());
        assertEquals("usd", session.getCurrency());
        assertEquals("open", session.getStatus());
        assertEquals("unpaid", session.getPaymentStatus());
        assertEquals("payment", session.getMode());
        assertEquals("user-7", session.getClientReferenceId());
        assertEquals("user-7", session.getMetadata().get("user_id"));
        assertEquals(sim.stripeBaseUrl() + "/pay/" + session.getId(), session.getUrl());
        assertEquals(Boolean.FALSE, session.getLivemode());
        assertTrue(session.getExpiresAt() > session.getCreated());
        Session again = stripe.v1().checkout().sessions().retrieve(session.getId());
        assertEquals(session.getId(), again.getId());
        assertEquals(1000L, again.getAmountTotal());
    }

    @Test
    void sameIdempotencyKeyGivesTheSameSession() throws Exception {
        String key = UUID.randomUUID().toString();
        Session first = createSession(RequestOptions.builder().setIdempotencyKey(key).build());
        Session second = createSession(RequestOptions.builder().setIdempotencyKey(key).build());
        Session other = createSession(RequestOptions.builder().setIdempotencyKey(key + "-2").build());
        assertEquals(first.getId(), second.getId());
        assertNotEquals(first.getId(), other.getId());
    }

    @Test
    void wrongSecretKeyIsRefusedWithStripe401() {
        StripeClient wrong = StripeClient.builder().setApiKey("sk_test_wrong").setApiBase(sim.stripeBaseUrl())
                .setMaxNetworkRetries(0).build();
        AuthenticationException e = assertThrows(AuthenticationException.class, () ->
                wrong.v1().checkout().sessions().retrieve("cs_test_x"));
        assertEquals(401, e.getStatusCode());
        assertThrows(InvalidRequestException.class, () -> stripe.v1().checkout().sessions().retrieve("cs_test_nope"));
    }

    @Test
    void completedCheckoutSendsASignedEventTheSdkAccepts() throws Exception {
        Session session = createSession(null);
        JsonNode raised = simPost("/sim/checkout/sessions/" + session.getId() + "/complete?payment_status=paid");
        WebhookReceiver.Delivery delivery = receiver.next();
        Event event = verified(delivery);
        assertEquals(raised.get("id").asText(), event.getId());
        assertEquals("checkout.session.completed", event.getType());
        assertEquals(com.stripe.Stripe.API_VERSION, event.getApiVersion());
        Session paid = sessionOf(event);
        assertEquals(session.getId(), paid.getId());
        assertEquals("complete", paid.getStatus());
        assertEquals("paid", paid.getPaymentStatus());
        assertEquals("user-7", paid.getMetadata().get("user_id"));
        assertEquals(1000L, paid.getAmountTotal());
        assertThrows(SignatureVerificationException.class,
                () -> Webhook.constructEvent(delivery.payload(), delivery.signature(), "whsec_wrong"));

        JsonNode recorded = awaitDelivered(event.getId());
        assertEquals(200, recorded.at("/attempts/0/status").asInt());
    }

    /**
     * The receiver hands the test a delivery before its 200 reaches the sim, which records the attempt
     * only when the answer arrives, so the record is read once the sim says it holds the delivery.
     */
    private static JsonNode awaitDelivered(String eventId) throws Exception {
        assertTrue(sim.stripe().awaitDelivered(eventId, 10_000), "event " + eventId + " not delivered within 10 s");
        for (JsonNode e : json(TestHttp.get(sim.stripeBaseUrl() + "/sim/events", null)).get("data")) {
            if (e.get("id").asText().equals(eventId)) {
                assertTrue(e.get("delivered").asBoolean(), e.toString());
                return e;
            }
        }
        throw new AssertionError("event " + eventId + " not listed at /sim/events");
    }

    @Test
    void payPagePaysAndRedirectsToTheSuccessUrl() throws Exception {
        Session session = createSession(null);
        HttpResponse<String> page = TestHttp.get(session.getUrl(), null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<form method=\"post\">"));
        HttpResponse<String> paid = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        java.net.URI.create(session.getUrl())).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(303, paid.statusCode());
        assertEquals("http://127.0.0.1/ok?session=" + session.getId(), paid.headers().firstValue("location").orElse(""));
        assertEquals("checkout.session.completed", verified(receiver.next()).getType());
        Session after = stripe.v1().checkout().sessions().retrieve(session.getId());
        assertEquals("paid", after.getPaymentStatus());
        assertNull(after.getUrl());
    }

    @Test
    void expiringSendsExpiredEventAndOnlyOpenSessionsExpire() throws Exception {
        Session session = createSession(null);
        Session expired = stripe.v1().checkout().sessions().expire(session.getId());
        assertEquals("expired", expired.getStatus());
        Event event = verified(receiver.next());
        assertEquals("checkout.session.expired", event.getType());
        assertEquals("expired", sessionOf(event).getStatus());
        assertThrows(InvalidRequestException.class, () -> stripe.v1().checkout().sessions().expire(session.getId()));
    }

    @Test
    void delayedPaymentCompletesUnpaidThenSucceedsOrFails() throws Exception {
        Session later = createSession(null);
        simPost("/sim/checkout/sessions/" + later.getId() + "/complete?payment_status=unpaid");
        Event completed = verified(receiver.next());
        assertEquals("checkout.session.completed", completed.getType());
        assertEquals("unpaid", sessionOf(completed).getPaymentStatus());
        simPost("/sim/checkout/sessions/" + later.getId() + "/async?result=succeeded");
        Event succeeded = verified(receiver.next());
        assertEquals("checkout.session.async_payment_succeeded", succeeded.getType());
        assertEquals("paid", sessionOf(succeeded).getPaymentStatus());

        Session failing = createSession(null);
        simPost("/sim/checkout/sessions/" + failing.getId() + "/complete?payment_status=unpaid");
        receiver.next();
        simPost("/sim/checkout/sessions/" + failing.getId() + "/async?result=failed");
        Event failed = verified(receiver.next());
        assertEquals("checkout.session.async_payment_failed", failed.getType());
        assertEquals("unpaid", sessionOf(failed).getPaymentStatus());
    }

    @Test
    void heldEventIsDeliveredAsTenParallelIdenticalCopies() throws Exception {
        Session session = createSession(null);
        String eventId = simPost("/sim/checkout/sessions/" + session.getId() + "/complete?deliver=false")
                .get("id").asText();
        assertNull(receiver.poll(200), "a held event is not delivered");
        JsonNode result = simPost("/sim/events/" + eventId + "/deliver?copies=10");
        assertEquals(10, result.get("statuses").size());
        result.get("statuses").forEach(status -> assertEquals(200, status.asInt()));
        for (int i = 0; i < 10; i++) {
            Event copy = verified(receiver.next());
            assertEquals(eventId, copy.getId());
        }
        assertNull(receiver.poll(100));
    }

    @Test
    void javaControlsCompleteHoldAndRedeliverLikeTheHttpOnes() throws Exception {
        Session session = createSession(null);
        String completed = sim.stripe().completeSession(session.getId(), false, false);
        assertNull(receiver.poll(100));
        assertEquals(java.util.List.of(200, 200), sim.stripe().deliver(completed, 2));
        assertEquals(completed, verified(receiver.next()).getId());
        assertEquals(completed, verified(receiver.next()).getId());
        String settled = sim.stripe().settleAsyncPayment(session.getId(), true);
        Event event = verified(receiver.next());
        assertEquals(settled, event.getId());
        assertEquals("paid", sessionOf(event).getPaymentStatus());
        assertThrows(IllegalStateException.class, () -> sim.stripe().completeSession(session.getId(), true, true));
    }

    @Test
    void webhookConfiguredOverHttpAndFailingEndpointStatusIsRecorded() throws Exception {
        sim.stripe().setWebhook(null, SECRET);
        HttpResponse<String> configured = postJson(sim.stripeBaseUrl() + "/sim/config", null,
                "{\"webhook_url\":\"" + receiver.url() + "\",\"webhook_secret\":\"" + SECRET + "\"}");
        assertEquals(200, configured.statusCode());
        receiver.answerWith(500);
        Session session = createSession(null);
        String eventId = simPost("/sim/checkout/sessions/" + session.getId() + "/complete?deliver=false")
                .get("id").asText();
        JsonNode result = simPost("/sim/events/" + eventId + "/deliver");
        assertEquals(500, result.at("/statuses/0").asInt());
        verified(receiver.next());
    }
}
