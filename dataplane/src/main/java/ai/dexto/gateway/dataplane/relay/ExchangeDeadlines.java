package ai.dexto.gateway.dataplane.relay;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An exchange's moments and its one timer. Everything is measured on the loop's clock, the one its
 * timers run on, so a test that advances that clock drives every deadline.
 */
final class ExchangeDeadlines {
    /** What a timer finds due. */
    enum Due { NOTHING, FIRST_BYTE, CLIENT_STALLED, UPSTREAM_SILENT, ORPHAN_OVER }

    private static final long NEVER = Long.MIN_VALUE;
    private static final long MIN_TIMER_NANOS = 1_000_000;

    private final EventLoop loop;
    private final Runnable check;
    private long sentAt;
    private long lastActivityAt;
    private long orphanDeadline;
    private long unwritableSince = NEVER;
    /** When the last relayed batch was flushed without reaching the socket yet (the next read waits for it). */
    private long flushPendingSince = NEVER;
    private ScheduledFuture<?> timer;

    ExchangeDeadlines(EventLoop loop, Runnable check) {
        this.loop = loop;
        this.check = check;
    }

    long now() {
        return loop.ticker().nanoTime();
    }

    void sent() {
        sentAt = now();
        lastActivityAt = sentAt;
    }

    void activity() {
        lastActivityAt = now();
    }

    void flushed() {
        flushPendingSince = now();
    }

    void batchTaken() {
        flushPendingSince = NEVER;
    }

    void writability(boolean writable) {
        unwritableSince = writable ? NEVER : now();
    }

    /**
     * The client has not taken what was written for {@code limit}: its socket stayed unwritable, or
     * (the usual case, since a batch is smaller than the high watermark) the last batch's flush has
     * not reached the socket.
     */
    private boolean clientStalled(long now, long limit) {
        return unwritableSince != NEVER && now - unwritableSince >= limit
                || flushPendingSince != NEVER && now - flushPendingSince >= limit;
    }

    /** The upstream is read for {@code nanos} more, only to learn the cost. */
    void orphanFor(long nanos) {
        orphanDeadline = now() + nanos;
        arm(nanos);
    }

    /** The orphan's wait ends now (the gateway is stopping). */
    void orphanNow() {
        orphanDeadline = Math.min(orphanDeadline, now());
        arm(0);
    }

    /**
     * What is due now in {@code state}; when nothing is, the timer is armed again for the next check
     * (a deadline that is due leaves the timer to the transition it causes).
     */
    Due due(ExchangeState state, boolean sawFirstByte, boolean readOutstanding, RelayTimeouts t) {
        long now = now();
        switch (state) {
            case AWAITING_HEAD -> {
                long waited = now - sentAt;
                if (waited >= t.firstByte()) {
                    return Due.FIRST_BYTE;
                }
                arm(t.firstByte() - waited);
            }
            case STREAMING, BUFFERING -> {
                long limit = sawFirstByte ? t.chunk() : t.firstByte();
                if (clientStalled(now, t.writeStall())) {
                    return Due.CLIENT_STALLED;
                }
                if (readOutstanding && now - lastActivityAt >= limit) {
                    return Due.UPSTREAM_SILENT;
                }
                arm(Math.min(limit, t.writeStall()) / 4);
            }
            case ORPHANED -> {
                long left = orphanDeadline - now;
                if (left <= 0) {
                    return Due.ORPHAN_OVER;
                }
                arm(left);
            }
            default -> { }
        }
        return Due.NOTHING;
    }

    void arm(long nanos) {
        cancel();
        timer = loop.schedule(this::fire, Math.max(nanos, MIN_TIMER_NANOS), TimeUnit.NANOSECONDS);
    }

    void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        check.run();
    }
}
