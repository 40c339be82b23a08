package ai.dexto.gateway.bench.load;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.e2e.LocalSystem;
import java.net.http.HttpResponse;
import org.HdrHistogram.Histogram;

/**
 * How long a change made at the control plane takes to change the gateway's answer: a revoked key
 * refused, a top-up spendable. Each trial changes something, then polls the gateway until it answers
 * differently; the time from the change's HTTP answer to the gateway's new answer is recorded.
 */
final class PropagationProbe {
    private final LocalSystem system;
    private final String model;

    PropagationProbe(LocalSystem system, String model) {
        this.system = system;
        this.model = model;
    }

    /** Rotates a key (the old one is revoked) and waits until the gateway refuses the old one. */
    Histogram revocation(int trials) throws Exception {
        Histogram micros = new Histogram(60_000_000L, 3);
        LocalSystem.User user = system.provisionUser();
        String key = user.apiKey();
        awaitValid(key, true);
        for (int i = 0; i < trials; i++) {
            String rotated = system.call("POST", system.controlUrl() + "/keys/rotate", system.sessionJwt(user.id()),
                    null, 200); // rotating takes a session JWT, not an API key
            long changed = System.nanoTime();
            awaitValid(key, false);
            micros.recordValue((System.nanoTime() - changed) / 1000);
            key = system.json(rotated).path("dextoApiKey").asText();
            awaitValid(key, true);
        }
        return micros;
    }

    /** Empties a balance (the gateway answers 402), tops it up, and waits for the first 200. */
    Histogram topUp(int trials) throws Exception {
        Histogram micros = new Histogram(60_000_000L, 3);
        LocalSystem.User user = system.provisionUser();
        system.admin("PUT", "/users/" + user.id() + "/tier", "{\"tier\":\"unlimited\"}");
        for (int i = 0; i < trials; i++) {
            long balance = Money.parseUsd(system.json(system.call("GET", system.controlUrl() + "/me/usage",
                    user.apiKey(), null, 200)).path("balance").asText());
            if (balance > 0) {
                system.admin("POST", "/users/" + user.id() + "/credits",
                        "{\"amount_usd\":\"-" + Money.format(balance) + "\",\"reason\":\"propagation probe\"}");
            }
            awaitChatStatus(user.apiKey(), 402);
            system.admin("POST", "/users/" + user.id() + "/credits",
                    "{\"amount_usd\":\"1.00\",\"reason\":\"propagation probe\"}");
            long changed = System.nanoTime();
            awaitChatStatus(user.apiKey(), 200);
            micros.recordValue((System.nanoTime() - changed) / 1000);
            // Let the drain apply this trial's spend before the next trial reads the balance.
            Thread.sleep(300);
        }
        return micros;
    }

    private void awaitValid(String key, boolean valid) throws Exception {
        String expected = "\"valid\":" + valid;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = system.send("GET", system.gatewayUrl() + "/keys/validate", key, null);
            if (r.statusCode() == 429) {
                // a refused key is charged to the caller's address: the probe would measure its own bucket
                throw new IllegalStateException("the gateway rate-limited the probe's address: " + r.body());
            }
            if (r.body().replace(" ", "").contains(expected)) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the gateway never answered " + expected);
    }

    private void awaitChatStatus(String key, int status) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (system.send("POST", system.gatewayUrl() + "/v1/chat/completions", key, body).statusCode() == status) {
                return;
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("the gateway never answered " + status);
    }
}
