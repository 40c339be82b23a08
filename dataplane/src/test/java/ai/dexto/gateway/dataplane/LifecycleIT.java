package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node's life around its requests: a stop lets open streams finish within the grace period and cuts
 * and settles the rest exactly; a journal that cannot write (writer failing, disk below its floor)
 * turns the node unready and refuses new chats with 503, never serving one unbilled, and recovers.
 */
@Timeout(120)
class LifecycleIT {
    static final ObjectMapper JSON = new ObjectMapper();

    static String slowStream(int tokens) {
        return "{\"model\":\"" + GatewayFixture.MODEL + "\",\"stream\":true,\"max_tokens\":" + tokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"a long one\"}]}";
    }

    static CompletableFuture<HttpResponse<String>> streamAsync(GatewayFixture f, String key, int tokens, int interTokenMs) {
        return f.http.sendAsync(HttpRequest.newBuilder(URI.create(f.gateway.url() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key)
                .header("X-Sim-Answer-Tokens", Integer.toString(tokens))
                .header("X-Sim-Inter-Token-Ms", Integer.toString(interTokenMs))
                .POST(HttpRequest.BodyPublishers.ofString(slowStream(tokens))).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aStopLetsShortStreamsFinishAndCutsAndSettlesLongOnesExactly() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(b -> b.shutdownGrace = Duration.ofSeconds(2))) {
            String key = f.addUser("user-stop", Money.ofUsd(5), "unlimited");
            CompletableFuture<HttpResponse<String>> shortOne = streamAsync(f, key, 10, 40);    // ~0.4 s
            CompletableFuture<HttpResponse<String>> longOne = streamAsync(f, key, 400, 40);    // ~16 s
            await(() -> f.gateway.openExchanges() == 2, "both streams to start");
            long stopped = System.nanoTime();
            f.gateway.close();
            long tookMillis = (System.nanoTime() - stopped) / 1_000_000;
            assertTrue(tookMillis < 8_000, "the stop waited the grace period, then cut: " + tookMillis + " ms");
            assertEquals(0, f.gateway.openExchanges(), "every exchange settled before the journal closed");

            HttpResponse<String> s = shortOne.get(10, TimeUnit.SECONDS);
            assertTrue(s.body().contains("data: [DONE]"), "finished within the grace period: " + s.body());
            HttpResponse<String> l = longOne.get(10, TimeUnit.SECONDS);
            assertTrue(l.body().contains("\"code\":\"shutting_down\""), l.body());
            assertFalse(l.body().contains("[DONE]"));

            UsageEvent finished = f.awaitEvent(s.headers().firstValue("x-dexto-request-id").orElseThrow());
            assertEquals(UsageStatus.COMPLETED, finished.status);
            UsageEvent cut = f.awaitEvent(l.headers().firstValue("x-dexto-request-id").orElseThrow());
            assertEquals(UsageStatus.SHUTDOWN, cut.status);
            assertTrue(cut.completionTokens > 0 && cut.completionTokens < 400, "cut mid-answer: " + cut.completionTokens);
            assertEquals(f.upstreamCharge(cut.generationId), cut.billedCostNanos,
                    "a cut stream is billed what the upstream charged for it");
            long billed = finished.billedCostNanos + cut.billedCostNanos;
            assertEquals(Money.ofUsd(5) - billed, f.gateway.account("user-stop").spendable(), "no reservation left open");
        }
    }

    @Test
    void aWarmUpRunsRealTrafficThroughACopyBeforeStartAndTouchesNothingReal() throws Exception {
        long before = System.nanoTime();
        try (GatewayFixture f = GatewayFixture.start(b -> {
            b.warmUp = Duration.ofSeconds(20);
            b.warmUpMin = Duration.ofSeconds(2);
        })) {
            long took = System.nanoTime() - before;
            assertTrue(took >= TimeUnit.SECONDS.toNanos(2), "ready only after the warm-up's minimum");
            assertTrue(took < TimeUnit.SECONDS.toNanos(35), "the warm-up ends by its limit: " + took / 1_000_000 + " ms");
            String metrics = f.gateway.metricsText();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^dexto_gateway_warmup_requests (\\S+)$",
                    java.util.regex.Pattern.MULTILINE).matcher(metrics);
            assertTrue(m.find(), metrics);
            assertTrue(Double.parseDouble(m.group(1)) > 100, "real requests ran: " + m.group(1));
            assertEquals(0, f.gateway.journalWritten(), "nothing of the warm-up in this node's journal");
            assertEquals(0, f.upstreamUsage(), "nothing of the warm-up reached the upstream");
            String key = f.addUser("user-after-warmup", Money.ofUsd(1), "unlimited");
            assertEquals(200, f.chat(key, GatewayFixture.body(false, 5)).statusCode());
        }
    }

    @Test
    void aLongStreamJournalsAnInFlightRecordAShortOneDoesNot() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(b -> b.inFlightRecordAfter = Duration.ofSeconds(1))) {
            String key = f.addUser("user-inflight", Money.ofUsd(5), "unlimited");
            HttpResponse<String> quick = f.chat(key, slowStream(20), "X-Sim-Answer-Tokens", "20");
            HttpResponse<String> slow = streamAsync(f, key, 40, 40).get(30, TimeUnit.SECONDS); // ~1.6 s
            for (HttpResponse<String> r : List.of(quick, slow)) {
                assertTrue(r.body().contains("data: [DONE]"), r.body());
            }
            String slowId = slow.headers().firstValue("x-dexto-request-id").orElseThrow();
            UsageEvent done = f.awaitEvent(slowId);
            List<UsageEvent> all = f.journal(0);
            UsageEvent intent = all.stream().filter(e -> e.requestId().equals(slowId) && e.status == UsageStatus.IN_FLIGHT)
                    .findFirst().orElseThrow(() -> new AssertionError("no in-flight record for the long stream"));
            assertEquals(0, intent.billedCostNanos);
            assertTrue(intent.costPending);
            assertEquals(done.generationId.toString(), intent.generationId.toString(), "the same generation");
            assertTrue(intent.nodeSequence < done.nodeSequence);
            String quickId = quick.headers().firstValue("x-dexto-request-id").orElseThrow();
            f.awaitEvent(quickId);
            assertTrue(f.journal(0).stream().noneMatch(e -> e.requestId().equals(quickId) && e.status == UsageStatus.IN_FLIGHT),
                    "a stream shorter than the delay needs no in-flight record");
        }
    }

    @Test
    void aFailingJournalWriterTurnsTheNodeUnreadyAndRefusesChatsUntilItRecovers() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(b -> { })) {
            String key = f.addUser("user-journal", Money.ofUsd(5), "unlimited");
            f.gateway.journal().injectWriteFailures(true);
            HttpResponse<String> admitted = f.chat(key, GatewayFixture.body(false, 5));
            assertEquals(200, admitted.statusCode(), "admitted before the failure showed: served, its event waits");
            await(() -> !f.gateway.journal().available(), "the writer to report the failure");

            HttpResponse<String> refused = f.chat(key, GatewayFixture.body(false, 5));
            RequestErrorsIT.assertError(refused, 503, "journal_unavailable");
            assertTrue(refused.headers().firstValue("retry-after").isPresent());
            HttpResponse<String> ready = f.get(f.gateway.opsUrl() + "/ready");
            assertEquals(503, ready.statusCode());
            assertTrue(JSON.readTree(ready.body()).path("reason").asText().contains("journal writer failing"), ready.body());
            assertTrue(f.gateway.metricsText().contains("dexto_gateway_journal_available 0.0"));

            f.gateway.journal().injectWriteFailures(false);
            await(() -> f.gateway.journal().available(), "the writer to recover");
            assertEquals(200, f.get(f.gateway.opsUrl() + "/ready").statusCode());
            HttpResponse<String> after = f.chat(key, GatewayFixture.body(false, 5));
            assertEquals(200, after.statusCode());
            UsageEvent held = f.awaitEvent(admitted.headers().firstValue("x-dexto-request-id").orElseThrow());
            assertEquals(Money.parseUsd(admitted.headers().firstValue("x-dexto-cost-usd").orElseThrow()),
                    held.billedCostNanos, "the request served before the failure was journaled, not lost");
            f.awaitEvent(after.headers().firstValue("x-dexto-request-id").orElseThrow());
            long billed = Money.parseUsd(admitted.headers().firstValue("x-dexto-cost-usd").orElseThrow())
                    + Money.parseUsd(after.headers().firstValue("x-dexto-cost-usd").orElseThrow());
            assertEquals(Money.ofUsd(5) - billed, f.gateway.account("user-journal").spendable(),
                    "the refused request reserved nothing; no reservation left open");
        }
    }

    /**
     * A real small file system (tmpfs, when this machine lets the test mount one): filling it below
     * the journal's floor makes the node refuse chats; freeing it lets them through again.
     */
    @Test
    void aJournalDiskBelowItsFloorRefusesChatsUntilSpaceIsFreed() throws Exception {
        Path mount = Files.createTempDirectory("dexto-small-fs-");
        boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", mount.toString())
                .inheritIO().start().waitFor() == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here (not root?)");
        try (GatewayFixture f = GatewayFixture.start(b -> {
            b.dataDir = mount.resolve("data");
            b.journalDiskFloorBytes = 96L << 20;
        })) {
            String key = f.addUser("user-disk", Money.ofUsd(5), "unlimited");
            assertEquals(200, f.chat(key, GatewayFixture.body(false, 5)).statusCode());
            Path filler = mount.resolve("filler");
            long free = Files.getFileStore(mount).getUsableSpace();
            try (RandomAccessFile fill = new RandomAccessFile(filler.toFile(), "rw")) {
                byte[] block = new byte[1 << 20];
                for (long written = 0; written < free - (64L << 20); written += block.length) {
                    fill.write(block);
                }
            }
            await(() -> !f.gateway.journal().available(), "the disk check to see the floor crossed");
            RequestErrorsIT.assertError(f.chat(key, GatewayFixture.body(false, 5)), 503, "journal_unavailable");
            assertEquals(503, f.get(f.gateway.opsUrl() + "/ready").statusCode());
            Files.delete(filler);
            await(() -> f.gateway.journal().available(), "the disk check to see space again");
            HttpResponse<String> ok = f.chat(key, GatewayFixture.body(false, 5));
            assertEquals(200, ok.statusCode());
            List<UsageEvent> events = f.eventsOf(ok.headers().firstValue("x-dexto-request-id").orElseThrow(), 2);
            assertEquals(1, events.size());
        } finally {
            new ProcessBuilder("umount", "-l", mount.toString()).inheritIO().start().waitFor();
            Files.deleteIfExists(mount);
        }
    }
}
