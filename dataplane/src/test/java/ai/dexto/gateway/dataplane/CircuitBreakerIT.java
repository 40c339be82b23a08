package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The upstream circuit breaker isolates faults (issue 12, item 3): it opens per route (the model),
 * only on the upstream's own failures, and only when the consecutive failures come from at least
 * {@code breakerMinUsers} (3) distinct users — one user whose requests all fail cannot turn a model
 * off for anyone else. Its state is {@code dexto_gateway_circuit_open{route}}; it closes again once a
 * probe succeeds after the open period (2 s here: room for the checks made while it is open). Each
 * test uses its own models.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CircuitBreakerIT {
    static final Duration OPEN = Duration.ofSeconds(2);
    GatewayFixture f;

    @BeforeAll
    void start() throws Exception {
        f = GatewayFixture.start(b -> b.breaker(5, 3, OPEN));
    }

    @AfterAll
    void stop() {
        f.close();
    }

    static String chatOn(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    }

    private HttpResponse<String> failing(String key, String model, int status) throws Exception {
        return f.chat(key, chatOn(model), "X-Sim-Fault", "status=" + status);
    }

    private double open(String model) throws Exception {
        return f.metric("dexto_gateway_circuit_open{route=\"" + model + "\"}");
    }

    @Test
    void oneUsersFailuresOpenNothingForAnotherUser() throws Exception {
        String model = "openai/gpt-4o-mini";
        String alone = f.addUser("user-alone-failing", Money.ofUsd(5), "unlimited");
        String other = f.addUser("user-alone-other", Money.ofUsd(5), "unlimited");
        for (int i = 0; i < 12; i++) {
            RequestErrorsIT.assertError(failing(alone, model, 500), 502, "upstream_error");
        }
        assertEquals(0.0, open(model), "twelve consecutive failures, all one user's");
        HttpResponse<String> r = f.chat(other, chatOn(model));
        assertEquals(200, r.statusCode(), r.body());
        f.assertBilledExactly("user-alone-failing", Money.ofUsd(5));
        f.assertBilledExactly("user-alone-other", Money.ofUsd(5));
    }

    @Test
    void failuresFromThreeUsersOpenTheirRouteForEveryoneUntilAProbeSucceeds() throws Exception {
        String model = "anthropic/claude-3.5-sonnet";
        String unaffected = "meta-llama/llama-3.1-8b-instruct";
        String[] users = {"user-open-a", "user-open-b", "user-open-c", "user-open-d"};
        String[] keys = new String[users.length];
        for (int i = 0; i < users.length; i++) {
            keys[i] = f.addUser(users[i], Money.ofUsd(5), "unlimited");
        }
        assertEquals(200, f.chat(keys[3], chatOn(unaffected)).statusCode(), "the other route is in use too");
        for (int i = 0; i < 3; i++) {
            RequestErrorsIT.assertError(failing(keys[0], model, 500), 502, "upstream_error");
        }
        RequestErrorsIT.assertError(failing(keys[1], model, 502), 502, "upstream_error");
        assertEquals(0.0, open(model), "four failures are below the threshold");
        RequestErrorsIT.assertError(failing(keys[2], model, 503), 503, "upstream_unavailable");
        long openedAt = System.nanoTime();
        assertEquals(1.0, open(model), "five consecutive failures from three users open the route");
        assertEquals(0.0, open(unaffected));

        RequestErrorsIT.assertError(f.chat(keys[3], chatOn(model)), 503, "upstream_unavailable");
        HttpResponse<String> elsewhere = f.chat(keys[3], chatOn(unaffected));
        assertEquals(200, elsewhere.statusCode(), "another model is unaffected: " + elsewhere.body());

        int[] refusedWhileOpen = {0};
        Await.until("a probe to succeed after the open period", () -> {
            HttpResponse<String> r = f.chat(keys[3], chatOn(model));
            if (r.statusCode() == 503) {
                refusedWhileOpen[0]++;
                return false;
            }
            assertEquals(200, r.statusCode(), r.body());
            return true;
        });
        long closedAfter = (System.nanoTime() - openedAt) / 1_000_000;
        assertTrue(closedAfter >= OPEN.toMillis() - 50, "closed after " + closedAfter + " ms");
        assertTrue(refusedWhileOpen[0] > 0, "requests during the open period were refused at once");
        assertEquals(0.0, open(model), "closed again");
        assertEquals(200, f.chat(keys[0], chatOn(model)).statusCode());
        for (String u : users) {
            f.assertBilledExactly(u, Money.ofUsd(5)); // failures and fast refusals cost nothing; successes exactly the upstream's charge
        }
    }

    @Test
    void requestsTheUpstreamRejectsNeverCountAsItsFailures() throws Exception {
        String model = "openai/gpt-4o";
        String[] keys = new String[3];
        for (int i = 0; i < 3; i++) {
            keys[i] = f.addUser("user-rejected-" + i, Money.ofUsd(5), "unlimited");
        }
        for (int round = 0; round < 3; round++) {
            for (String k : keys) {
                RequestErrorsIT.assertError(failing(k, model, 400), 400, "upstream_rejected");
            }
        }
        assertEquals(0.0, open(model), "nine 400s from three users are the requests' fault, not the upstream's");
        assertEquals(200, f.chat(keys[0], chatOn(model)).statusCode());
    }
}
