package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.TestInstance;

/** Success paths end to end against the simulator: relay, exact cost, headers, journal. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChatRelayIT {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    static final Pattern COST_LINE = Pattern.compile(": x-dexto-cost-usd=([0-9.]+)\n: x-dexto-credits-remaining=([0-9.]+)\n\n");

    GatewayFixture f;
    String key;

    @BeforeAll
    void start() throws Exception {
        f = GatewayFixture.start(b -> { });
        key = f.addUser("user-relay", Money.ofUsd(10), "unlimited");
    }

    @AfterAll
    void stop() {
        f.close();
    }

    @Test
    void nonStreamedAnswerCarriesExactCostAndIsJournaledOnce() throws Exception {
        long before = f.gateway.account("user-relay").spendable();
        HttpResponse<String> r = f.chat(key, GatewayFixture.body(false, 50), "X-Dexto-Session-ID", "sess-42");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode usage = JSON.readTree(r.body()).path("usage");
        long expected = Money.parseUsd(usage.path("cost").decimalValue().toPlainString());
        assertTrue(expected > 0);
        assertEquals(Money.format(expected), r.headers().firstValue("x-dexto-cost-usd").orElseThrow());
        String requestId = r.headers().firstValue("x-dexto-request-id").orElseThrow();
        assertEquals('7', requestId.charAt(14), "UUIDv7");
        assertEquals(Money.format(before - expected), r.headers().firstValue("x-dexto-credits-remaining").orElseThrow(),
                "the balance after this request, not after its worst case");
        assertTrue(r.headers().firstValue("x-ratelimit-limit-requests").isPresent());

        UsageEvent e = f.awaitEvent(requestId);
        assertEquals(expected, e.billedCostNanos);
        assertEquals(expected, e.upstreamCostNanos);
        assertEquals(UsageStatus.COMPLETED, e.status);
        assertEquals("user-relay", e.userId);
        assertEquals(GatewayFixture.MODEL, e.model);
        assertEquals("sess-42", e.sessionId.toString());
        assertEquals(usage.path("completion_tokens").asLong(), e.completionTokens);
        assertTrue(e.generationId.length() > 0);
        assertFalse(e.streamed);
        assertEquals(1, f.eventsOf(requestId, 0).size(), "journaled exactly once");
        assertEquals(before - expected, f.gateway.account("user-relay").spendable(), "reservation released, cost kept");
    }

    @Test
    void streamedAnswerIsRelayedWithCostCommentBeforeDone() throws Exception {
        long before = f.gateway.account("user-relay").spendable();
        HttpResponse<String> r = f.chat(key, GatewayFixture.body(true, 30));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        String body = r.body();
        assertTrue(body.startsWith(": OPENROUTER PROCESSING"), body);
        Matcher m = COST_LINE.matcher(body);
        assertTrue(m.find(), body);
        int comment = m.start();
        int done = body.indexOf("data: [DONE]");
        assertTrue(done > comment, "cost comment comes right before [DONE]");
        assertEquals(done, m.end());
        String usageLine = body.lines().filter(l -> l.contains("\"usage\"")).findFirst().orElseThrow();
        JsonNode usage = JSON.readTree(usageLine.substring(6)).path("usage");
        long expected = Money.parseUsd(usage.path("cost").decimalValue().toPlainString());
        assertEquals(Money.format(expected), m.group(1));
        assertEquals(Money.format(before - expected), m.group(2), "the balance after the request, in the stream");
        assertEquals(Money.format(before), r.headers().firstValue("x-dexto-credits-remaining").orElseThrow(),
                "a stream's header leaves before its cost is known: the balance when it started");
        assertEquals(20, body.lines().filter(l -> l.startsWith("data: {") && l.contains("\"delta\":{\"role\":\"assistant\","
                + "\"content\":\"") && !l.contains("\"finish_reason\":\"")).count(), "every token chunk relayed, exactly");

        String requestId = r.headers().firstValue("x-dexto-request-id").orElseThrow();
        UsageEvent e = f.awaitEvent(requestId);
        assertEquals(expected, e.billedCostNanos);
        assertTrue(e.streamed);
        assertEquals(UsageStatus.COMPLETED, e.status);
        assertEquals(1, f.eventsOf(requestId, 0).size());
    }

    @Test
    void byokBillsFeePlusProviderCharge() throws Exception {
        HttpResponse<String> r = f.chat(key, GatewayFixture.body(false, 10), "X-Sim-Byok", "true");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode usage = JSON.readTree(r.body()).path("usage");
        long fee = Money.parseUsd(usage.path("cost").decimalValue().toPlainString());
        long provider = Money.parseUsd(usage.path("cost_details").path("upstream_inference_cost").decimalValue()
                .toPlainString());
        assertEquals(Money.format(fee + provider), r.headers().firstValue("x-dexto-cost-usd").orElseThrow());
    }

    @Test
    void missingMaxTokensIsInjectedFromTheBalance() throws Exception {
        // a balance that affords few tokens, and an upstream that would write many: the answer stops
        // exactly at the injected limit, the most the balance covers at worst
        long balance = 30_000; // 0.00003 USD
        String k = f.addUser("user-inject", balance, "unlimited");
        String body = GatewayFixture.body(false, null);
        ai.dexto.gateway.dataplane.models.ModelInfo model = f.gateway.models().find(GatewayFixture.MODEL);
        long expected = new ai.dexto.gateway.dataplane.credit.CreditPolicy(0, 0).affordableTokens(List.of(model),
                new ai.dexto.gateway.dataplane.credit.ChatPrice(body.getBytes(StandardCharsets.UTF_8).length, false, 0, 0, 0),
                balance);
        assertTrue(expected > 0 && expected < 1000, "expected " + expected);
        HttpResponse<String> r = f.chat(k, body, "X-Sim-Answer-Tokens", "100000");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode answer = JSON.readTree(r.body());
        assertEquals(expected, answer.at("/usage/completion_tokens").asLong(), "the injected max_tokens");
        assertEquals("length", answer.at("/choices/0/finish_reason").asText());
        assertTrue(f.gateway.account("user-inject").spendable() >= 0);
    }

    @Test
    void markupIsAddedToTheBilledCost() throws Exception {
        try (GatewayFixture marked = GatewayFixture.start(b -> b.markupBasisPoints(1000))) {
            String k = marked.addUser("user-markup", Money.ofUsd(5), "unlimited");
            HttpResponse<String> r = marked.chat(k, GatewayFixture.body(false, 40));
            assertEquals(200, r.statusCode(), r.body());
            long upstream = Money.parseUsd(JSON.readTree(r.body()).path("usage").path("cost").decimalValue()
                    .toPlainString());
            assertEquals(Money.format(Money.withMarkup(upstream, 1000)),
                    r.headers().firstValue("x-dexto-cost-usd").orElseThrow());
            UsageEvent e = marked.awaitEvent(r.headers().firstValue("x-dexto-request-id").orElseThrow());
            assertEquals(upstream, e.upstreamCostNanos);
            assertEquals(Money.withMarkup(upstream, 1000), e.billedCostNanos);
        }
    }

    @Test
    void restartedNodeStillCountsItsUnappliedSpend() throws Exception {
        try (GatewayFixture g = GatewayFixture.start(b -> { })) {
            String k = g.addUser("user-restart", Money.ofUsd(1), "unlimited");
            HttpResponse<String> r = g.chat(k, GatewayFixture.body(false, 10));
            long cost = Money.parseUsd(r.headers().firstValue("x-dexto-cost-usd").orElseThrow());
            g.awaitEvent(r.headers().firstValue("x-dexto-request-id").orElseThrow());
            g.gateway.close();
            try (Gateway again = Gateway.start(g.gateway.config())) {
                again.apply(new ai.dexto.gateway.common.feed.FeedSnapshot(5, GatewayFixture.TIERS,
                        List.of(g.user("user-restart", Money.ofUsd(1), "unlimited")), List.of()));
                assertEquals(Money.ofUsd(1) - cost, again.account("user-restart").spendable(),
                        "the control plane has not applied it yet (applied_sequence 0)");
                again.apply(new ai.dexto.gateway.common.feed.FeedChanges(6, false, List.of(), List.of(
                        new ai.dexto.gateway.common.feed.FeedUser("user-restart", "unlimited", Money.ofUsd(1) - cost, 1,
                                null)), List.of()));
                assertEquals(Money.ofUsd(1) - cost, again.account("user-restart").spendable(), "applied: counted once");
            }
        }
    }

    @Test
    void keepAliveConnectionServesManyRequestsAndNodeSequenceIncreases() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, f.chat(key, GatewayFixture.body(i % 2 == 0, 5)).statusCode());
        }
        List<UsageEvent> events = f.journal(5);
        for (int i = 1; i < events.size(); i++) {
            assertEquals(events.get(i - 1).nodeSequence + 1, events.get(i).nodeSequence);
        }
    }
}
