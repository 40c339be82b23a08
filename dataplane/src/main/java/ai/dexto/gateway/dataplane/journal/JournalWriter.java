package ai.dexto.gateway.dataplane.journal;

import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageEventCodec;
import com.lmax.disruptor.EventHandler;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's one consumer: appends each event to the Chronicle Queue on its own thread (an
 * appender is single-threaded and is created here). A failed append is never skipped and never ends
 * the thread (the Disruptor's default would): the same event is retried with backoff until it is
 * written, and {@link #healthy()} is false meanwhile so the journal refuses new requests. Errors are
 * logged at most once every {@value #LOG_EVERY_MILLIS} ms.
 */
final class JournalWriter implements EventHandler<UsageEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(JournalWriter.class);
    /**
     * An idle writer sleeps this long between looks at the ring. The default strategy spins, yields,
     * then parks ~100 ns at a time: a thread always runnable, competing with the event loops for the
     * cores. Nothing waits on the writer (publishing never blocks, the journal is read later), so a
     * millisecond's delay costs nothing; each wake-up writes everything published meanwhile.
     */
    static final long IDLE_SLEEP_NANOS = 1_000_000;
    private static final long LOG_EVERY_MILLIS = 10_000;
    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    private final ChronicleQueue queue;
    private final CountDownLatch started = new CountDownLatch(1);
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /**
     * Events are encoded on the heap, then copied into the mapped file in one write: each field
     * written straight into mapped bytes pays Chronicle's closed and thread-safety checks (the profile
     * showed the encoding as most of this thread's time).
     */
    private final Bytes<byte[]> encoded = Bytes.allocateElasticOnHeap(512);
    private ExcerptAppender appender;
    private volatile boolean healthy = true;
    private volatile String lastError;
    private volatile boolean injectedFailure;
    private volatile boolean stopped;
    private long lastLoggedMillis;

    JournalWriter(ChronicleQueue queue) {
        this.queue = queue;
    }

    void awaitStarted() throws IOException {
        try {
            if (!started.await(10, TimeUnit.SECONDS)) {
                throw new IOException("journal writer did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the journal writer", e);
        }
    }

    @Override
    public void onStart() {
        appender = queue.createAppender();
        started.countDown();
    }

    @Override
    public void onEvent(UsageEvent event, long sequence, boolean endOfBatch) {
        encoded.clear();
        UsageEventCodec.write(event, encoded);
        long backoff = 1_000_000;
        while (!append()) {
            if (stopped) {
                return;
            }
            LockSupport.parkNanos(backoff);
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        }
        written.incrementAndGet();
        if (!healthy) {
            healthy = true;
            LOG.info("journal writer recovered after {} failed appends; admitting requests again", failures.get());
        }
    }

    private boolean append() {
        try {
            if (injectedFailure) {
                throw new IOException("injected journal write failure");
            }
            if (appender == null) {
                appender = queue.createAppender();
            }
            try (DocumentContext dc = appender.writingDocument()) {
                try {
                    dc.wire().bytes().write(encoded);
                } catch (RuntimeException e) {
                    dc.rollbackOnClose();
                    throw e;
                }
            }
            return true;
        } catch (Exception | InternalError e) {
            // InternalError: a fault in a mapped page (the disk filled under the mapping)
            failures.incrementAndGet();
            lastError = e.toString();
            healthy = false;
            closeAppender();
            long now = System.currentTimeMillis();
            if (now - lastLoggedMillis >= LOG_EVERY_MILLIS) {
                lastLoggedMillis = now;
                LOG.error("journal append failed ({} failures so far); retrying the same event, new requests "
                        + "are refused meanwhile: {}", failures.get(), e.toString());
            }
            return false;
        }
    }

    private void closeAppender() {
        if (appender != null) {
            try {
                appender.close();
            } catch (RuntimeException ignored) {
                // a broken appender is replaced on the next attempt
            }
            appender = null;
        }
    }

    @Override
    public void onShutdown() {
        closeAppender();
    }

    boolean healthy() {
        return healthy;
    }

    String lastError() {
        return lastError;
    }

    long written() {
        return written.get();
    }

    long failures() {
        return failures.get();
    }

    void injectFailures(boolean failing) {
        injectedFailure = failing;
    }

    /** Ends a retry loop that can no longer succeed (the journal is being halted). */
    void stop() {
        stopped = true;
    }
}
