package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A top-up through every real part: checkout session from the control plane (stripe-java against the
 * simulated Stripe), payment on the simulator, its signed webhook, the feed, and the gateway serving a
 * user it refused a moment before. Redeliveries, an expired session and a forged webhook change no
 * money.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PaymentIT {
    static LocalSystem system;
    static String model;

    @BeforeAll
    static void start() throws Exception {
        system = SharedSystem.get();
        model = system.firstModel();
    }

    @Test
    void aRefusedUserPaysIsServedWithinASecondAndIsCreditedOnceWhateverIsRedelivered() throws Exception {
        LocalSystem.User user = system.provisionUser();
        system.admin("PUT", "/users/" + user.id() + "/tier", "{\"tier\":\"unlimited\"}");
        long intro = balance(user);
        system.admin("POST", "/users/" + user.id() + "/credits",
                "{\"amount_usd\":\"-" + Money.format(intro) + "\",\"reason\":\"payment test\"}");
        assertEquals(0, balance(user));
        // until the feed brings the debit to the gateway a chat may still be served, and is then billed
        int servedBeforeRefusal = awaitChat(user, 402).served;

        String sessionId = checkout(user, 25);
        JsonNode completed = system.json(system.call("POST",
                stripeSim("/sim/checkout/sessions/" + sessionId + "/complete?payment_status=paid"), null, null, 200));
        long paidAt = System.nanoTime();
        HttpResponse<String> served = awaitChat(user, 200).last;
        long millis = (System.nanoTime() - paidAt) / 1_000_000;
        assertTrue(millis < 1_000, "served " + millis + " ms after the payment, not within a second");
        long remaining = Money.parseUsd(served.headers().firstValue("X-Dexto-Credits-Remaining").orElseThrow());
        long cost = Money.parseUsd(served.headers().firstValue("X-Dexto-Cost-USD").orElseThrow());
        assertTrue(remaining > 0 && remaining <= Money.parseUsd("25.00"), "credits remaining " + remaining);

        // Ten copies of the same event in parallel, then the stored event again: money moves once.
        String eventId = completed.path("id").asText();
        JsonNode delivered = system.json(system.call("POST",
                stripeSim("/sim/events/" + eventId + "/deliver?copies=10"), null, null, 200));
        assertEquals(10, delivered.path("statuses").size(), delivered.toString());
        delivered.path("statuses").forEach(s -> assertEquals(200, s.asInt(), delivered.toString()));
        JsonNode usage = awaitBilled(user, 1 + servedBeforeRefusal);
        assertEquals(cost * (1 + servedBeforeRefusal), Money.parseUsd(usage.path("total_cost").asText()));
        assertEquals(Money.parseUsd("25.00") - cost * (1 + servedBeforeRefusal),
                Money.parseUsd(usage.path("balance").asText()),
                "exactly one pack credited, every served request billed once: " + usage);
        JsonNode transactions = system.json(system.call("GET", system.controlUrl() + "/me/transactions",
                user.apiKey(), null, 200));
        JsonNode topUp = find(transactions, sessionId);
        assertEquals("completed", topUp.path("status").asText(), transactions.toString());
        assertEquals(Money.parseUsd("25.00"), Money.parseUsd(topUp.path("amount").asText()));
        assertAuditClean();
    }

    @Test
    void anExpiredSessionIsMarkedAndAForgedWebhookIsRefusedWithoutMoney() throws Exception {
        LocalSystem.User user = system.provisionUser();
        long before = balance(user);
        JsonNode intro = system.json(system.call("GET", system.controlUrl() + "/me/transactions", user.apiKey(),
                null, 200)).path("transactions").get(0);
        assertEquals("intro", intro.path("kind").asText(), intro.toString());
        assertEquals(before, Money.parseUsd(intro.path("amount").asText()));

        String expiring = checkout(user, 10);
        system.call("POST", system.stripeUrl() + "/v1/checkout/sessions/" + expiring + "/expire",
                LocalSystem.STRIPE_SECRET_KEY, null, 200);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String status = "";
        while (System.nanoTime() < deadline && !status.equals("expired")) {
            status = find(system.json(system.call("GET", system.controlUrl() + "/me/transactions", user.apiKey(),
                    null, 200)), expiring).path("status").asText();
            Thread.sleep(50);
        }
        assertEquals("expired", status);
        assertEquals(before, balance(user));

        // A "paid" event for a real pending session, signed with the wrong secret: 400, nothing credited.
        String pending = checkout(user, 5);
        String forged = "{\"id\":\"evt_forged_1\",\"object\":\"event\",\"type\":\"checkout.session.completed\","
                + "\"data\":{\"object\":{\"id\":\"" + pending + "\",\"object\":\"checkout.session\","
                + "\"payment_status\":\"paid\",\"amount_total\":500,\"client_reference_id\":\"" + user.id() + "\"}}}";
        long now = System.currentTimeMillis() / 1000;
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(system.controlUrl() + "/api/stripe/webhook"))
                .header("Stripe-Signature", "t=" + now + ",v1=" + "0".repeat(64))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(forged)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        assertFalse(refused.body().contains("whsec_"), "no secret in the error: " + refused.body());
        assertEquals(before, balance(user));
        assertEquals("pending", find(system.json(system.call("GET", system.controlUrl() + "/me/transactions",
                user.apiKey(), null, 200)), pending).path("status").asText());
        assertAuditClean();
    }

    private static String checkout(LocalSystem.User user, int usd) throws Exception {
        JsonNode session = system.json(system.call("POST", system.controlUrl() + "/api/stripe/create-checkout-session",
                user.apiKey(), "{\"amount_usd\":" + usd + "}", 200));
        String id = session.path("sessionId").asText();
        assertTrue(id.startsWith("cs_"), session.toString());
        return id;
    }

    @Test
    void refundsAndDisputesInStripeMoveTheBalanceOnceAndForeignPaymentsNever() throws Exception {
        LocalSystem.User user = system.provisionUser();
        long start = balance(user);
        String sessionId = checkout(user, 50);
        deliverNow(system.json(system.call("POST", stripeSim("/sim/checkout/sessions/" + sessionId
                + "/complete?payment_status=paid&deliver=false"), null, null, 200)), 200);
        long cost = Money.parseUsd(awaitChat(user, 200).last.headers().firstValue("X-Dexto-Cost-USD").orElseThrow());
        awaitBilled(user, 1);
        long paid = start + Money.parseUsd("50") - cost;
        assertEquals(paid, balance(user));

        JsonNode refund = system.json(system.call("POST", stripeSim("/sim/checkout/sessions/" + sessionId
                + "/refund?amount=2000&deliver=false"), null, null, 200));
        deliverNow(refund, 200);
        deliverNow(refund, 200);
        assertEquals(paid - Money.parseUsd("20"), balance(user), "a partial refund debits once");

        JsonNode dispute = system.json(system.call("POST", stripeSim("/sim/checkout/sessions/" + sessionId
                + "/dispute?deliver=false"), null, null, 200));
        String disputeId = dispute.path("data").path("object").path("id").asText();
        JsonNode won = system.json(system.call("POST", stripeSim("/sim/disputes/" + disputeId
                + "/close?result=won&deliver=false"), null, null, 200));
        deliverNow(won, 200);          // out of order: the bank's decision first
        deliverNow(dispute, 200);
        assertEquals(paid - Money.parseUsd("20"), balance(user), "a won dispute nets to nothing");

        // a session paid on our Stripe account that our checkout never sold
        String form = "mode=payment&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=99900"
                + "&line_items[0][quantity]=1&success_url=https://example.test&metadata[user_id]=" + user.id();
        HttpResponse<String> foreign = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(stripeSim("/v1/checkout/sessions"))).header("Authorization", "Bearer "
                + LocalSystem.STRIPE_SECRET_KEY).POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, foreign.statusCode(), foreign.body());
        String foreignId = system.json(foreign.body()).path("id").asText();
        deliverNow(system.json(system.call("POST", stripeSim("/sim/checkout/sessions/" + foreignId
                + "/complete?payment_status=paid&deliver=false"), null, null, 200)), 200);
        assertEquals(paid - Money.parseUsd("20"), balance(user), "a payment we did not sell credits nothing");
        JsonNode unmatched = system.json(system.admin("GET", "/transactions?status=unmatched&user=" + user.id(), null));
        assertEquals(foreignId, unmatched.path("transactions").get(0).path("stripe_object_id").asText(),
                unmatched.toString());
        assertAuditClean();
    }

    /** Delivers a simulator event (its JSON) now and checks the webhook's answer. */
    private static void deliverNow(JsonNode event, int status) throws Exception {
        JsonNode delivered = system.json(system.call("POST", stripeSim("/sim/events/" + event.path("id").asText()
                + "/deliver"), null, null, 200));
        assertEquals(status, delivered.path("statuses").get(0).asInt(), delivered.toString());
    }

    private static long balance(LocalSystem.User user) throws Exception {
        return Money.parseUsd(system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null,
                200)).path("balance").asText());
    }

    /** The answer with the awaited status, and how many chats were served (200) before it. */
    private record Awaited(HttpResponse<String> last, int served) {
    }

    private static Awaited awaitChat(LocalSystem.User user, int status) throws Exception {
        int served = 0;
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\""
                + LocalSystem.prompt("hi") + "\"}]}";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> r = null;
        while (System.nanoTime() < deadline) {
            r = system.send("POST", system.gatewayUrl() + "/v1/chat/completions", user.apiKey(), body);
            if (r.statusCode() == status) {
                return new Awaited(r, served);
            }
            served += r.statusCode() == 200 ? 1 : 0;
            Thread.sleep(5);
        }
        throw new AssertionError("the gateway never answered " + status + "; last: "
                + (r == null ? "none" : r.statusCode() + " " + r.body()));
    }

    private static JsonNode find(JsonNode transactions, String sessionId) {
        JsonNode list = transactions.path("transactions");
        for (JsonNode t : list) {
            if (sessionId.equals(t.path("stripe_session_id").asText())) {
                return t;
            }
        }
        throw new AssertionError("no transaction for " + sessionId + " in " + transactions);
    }

    private static JsonNode awaitBilled(LocalSystem.User user, long requests) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        JsonNode usage = null;
        while (System.nanoTime() < deadline) {
            usage = system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null, 200));
            if (usage.path("total_requests").asLong() >= requests) {
                assertEquals(requests, usage.path("total_requests").asLong(), "billed more than once: " + usage);
                return usage;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("usage never reached " + requests + " requests: " + usage);
    }

    private static void assertAuditClean() throws Exception {
        JsonNode audit = system.json(system.admin("GET", "/audit", null));
        assertTrue(audit.path("ok").asBoolean(), audit.toString());
        assertFalse(audit.path("mismatches").elements().hasNext(), audit.toString());
    }

    private static String stripeSim(String path) {
        return system.stripeUrl() + path;
    }
}
