package ai.dexto.gateway.sim.stripe;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs signed events to the webhook endpoint off the event loops (the JDK client on a small pool) and
 * records every attempt's status on the event. Copies are sent in parallel, each freshly signed, which
 * is how Stripe's retries and duplicate deliveries look to a receiver.
 */
final class WebhookSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    /** Where and with which secret events go; url null means "record only". */
    record Target(String url, String secret) {
    }

    private final Supplier<Target> target;
    private final Clock clock;
    private final ExecutorService executor;
    private final HttpClient client;

    WebhookSender(Supplier<Target> target, Clock clock) {
        this.target = target;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread thread = new Thread(r, "dexto-sim-webhook-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
                .executor(executor)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** @return each copy's HTTP status, -1 for a failed attempt; empty when no endpoint is configured */
    CompletableFuture<List<Integer>> deliver(StripeEvent event, int copies) {
        Target current = target.get();
        if (current.url() == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        List<CompletableFuture<Integer>> sends = new ArrayList<>(copies);
        for (int i = 0; i < copies; i++) {
            sends.add(send(event, current));
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new))
                .thenApply(done -> sends.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<Integer> send(StripeEvent event, Target to) {
        long timestamp = clock.instant().getEpochSecond();
        long start = System.nanoTime();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(to.url()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                    .header("Stripe-Signature", WebhookSignature.header(to.secret(), timestamp, event.payload))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(event.payload))
                    .build();
        } catch (IllegalArgumentException e) {
            event.recordAttempt(timestamp, null, "bad webhook url: " + e.getMessage(), 0);
            return CompletableFuture.completedFuture(-1);
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    if (failure != null) {
                        log.info("webhook {} {} failed: {}", event.type, event.id, failure.toString());
                        event.recordAttempt(timestamp, null, failure.toString(), millis);
                        return -1;
                    }
                    event.recordAttempt(timestamp, response.statusCode(), null, millis);
                    return response.statusCode();
                });
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
