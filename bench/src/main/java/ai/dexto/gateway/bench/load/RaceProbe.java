package ai.dexto.gateway.bench.load;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.e2e.LocalSystem;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The billing race: {@code requests} chat requests released at once for one user whose balance covers
 * only a few, spread evenly over the given gateway nodes. One node must refuse what it cannot cover
 * (402) and the balance, once everything is drained into PostgreSQL, must be ≥ 0 with
 * {@code /admin/audit} clean. Over several nodes each reserves against the balance it last heard of,
 * so the race measures the cross-node exposure: how far below zero the balance can go before the
 * nodes hear of each other's spend (the audit must still be clean: every charge billed once).
 */
final class RaceProbe {
    private final LocalSystem system;
    private final String model;

    RaceProbe(LocalSystem system, String model) {
        this.system = system;
        this.model = model;
    }

    String run(int requests, List<String> gatewayUrls) throws Exception {
        LocalSystem.User user = system.provisionUser();
        system.admin("PUT", "/users/" + user.id() + "/tier", "{\"tier\":\"unlimited\"}");
        long intro = balance(user);
        // leave 0.0005 USD: a few requests' worth at this model's prices
        long keep = Money.parseUsd("0.0005");
        system.admin("POST", "/users/" + user.id() + "/credits",
                "{\"amount_usd\":\"-" + Money.format(intro - keep) + "\",\"reason\":\"race probe\"}");
        awaitBalance(user, keep);
        Thread.sleep(300); // the feed carries the new balance to the gateway

        String body = "{\"model\":\"" + model + "\",\"max_tokens\":20,\"messages\":[{\"role\":\"user\",\"content\":\"race\"}]}";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(requests);
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrls.get(i % gatewayUrls.size())
                            + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + user.apiKey()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (Exception e) {
                    return -1;
                }
            }, threads));
        }
        go.countDown();
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (CompletableFuture<Integer> a : answers) {
            statuses.merge(a.get(), 1, Integer::sum);
        }
        threads.shutdown();
        long served = statuses.getOrDefault(200, 0);
        JsonNode usage = awaitBilled(user, served);
        long finalBalance = Money.parseUsd(usage.path("balance").asText());
        JsonNode audit = system.json(system.admin("GET", "/audit", null));
        String after = finalBalance >= 0 ? "≥ 0" : gatewayUrls.size() > 1
                ? "overspent by " + Money.format(-finalBalance) + " USD, " + String.format(java.util.Locale.ROOT,
                "%.0f %%", -100.0 * finalBalance / keep) + " of the balance" : "NEGATIVE";
        return gatewayUrls.size() + " node(s): statuses " + statuses + "; balance before " + Money.format(keep)
                + " USD, after " + Money.format(finalBalance) + " USD (" + after + "); audit "
                + (audit.path("ok").asBoolean() ? "clean" : "NOT clean: " + audit);
    }

    private long balance(LocalSystem.User user) throws Exception {
        return Money.parseUsd(system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null,
                200)).path("balance").asText());
    }

    private void awaitBalance(LocalSystem.User user, long want) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (balance(user) != want) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("balance never became " + Money.format(want));
            }
            Thread.sleep(20);
        }
    }

    private JsonNode awaitBilled(LocalSystem.User user, long served) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode usage;
        do {
            usage = system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null, 200));
            if (usage.path("total_requests").asLong() >= served) {
                Thread.sleep(500); // anything else still in flight through the drain
                return system.json(system.call("GET", system.controlUrl() + "/me/usage", user.apiKey(), null, 200));
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("the drain never billed " + served + " requests: " + usage);
    }
}
