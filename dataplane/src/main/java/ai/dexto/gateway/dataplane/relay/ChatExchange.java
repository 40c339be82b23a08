package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.dataplane.account.UpstreamKeyHealer;
import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One chat request from its reservation to its settlement, as one explicit state machine. All of it
 * runs on the client channel's event loop; the upstream connection lives on the same loop.
 *
 * <pre>
 * CONNECTING ──connected──▶ AWAITING_HEAD ──200 stream──▶ STREAMING ──end──▶ FINISHING ──cost──▶ DONE
 *      ▲  (retry once:              │ └──whole answer / error──▶ BUFFERING ──end──▶ FINISHING ─┘
 *      └── reset, 401 healed)       │
 *   client gone or answered early (timeout, shutdown) before the cost can be known:
 *      AWAITING_HEAD, BUFFERING ──▶ ORPHANED (the upstream is still read, only to learn the cost)
 *      STREAMING, FINISHING, ORPHANED ──▶ SETTLING (the generation's record is looked up) ──▶ DONE
 * </pre>
 * <p>Billed = what the upstream charged, on every path: the usage in the answer, else the
 * upstream's record of the generation (a stream's id comes with its head, and an intent record is
 * journaled at once so even a killed node's stream is settled by the control plane), else pending.
 * The upstream is never hung up on before its generation id is known, except when it has not
 * answered at all within the orphan limit. Settling (exactly once, entering {@code DONE}) comes before
 * the last bytes to the client, so {@code X-Dexto-Credits-Remaining} is the balance after the request.
 */
public final class ChatExchange implements OriginListener {
    enum State { CONNECTING, AWAITING_HEAD, STREAMING, BUFFERING, FINISHING, ORPHANED, SETTLING, DONE }

    private static final long WRITABLE = Long.MIN_VALUE;

    private final ChatCall call;
    private final ClientAnswer answer;
    private final UsageScanner scanner;
    private final ExchangeLedger ledger;
    private final UpstreamClient upstreams;
    private final CircuitBreaker breaker;
    private final UpstreamKeyHealer healer;
    private final RelayTimeouts timeouts;
    private final ExchangeRegistry registry;
    private final GatewayMetrics metrics;
    private State state = State.CONNECTING;
    private Channel upstream;
    private int attempts;
    private boolean healTried;
    private int status;
    private boolean upstreamKeepAlive;
    private String retryAfter;
    private StreamRelay relay;
    private WholeAnswer whole;
    private UsageStatus endedAs = UsageStatus.COMPLETED;
    private boolean readOutstanding;
    private long sentNanos;
    // deadlines are measured on the loop's clock, the one its timers run on (a test advances it)
    private long sentAt;
    private long lastActivityAt;
    private long orphanDeadline;
    private long unwritableSince = WRITABLE;
    /** When the last relayed batch was flushed without reaching the socket yet (the next read waits for it). */
    private long flushPendingSince = WRITABLE;
    private ScheduledFuture<?> timer;

    ChatExchange(ChatCall call, ClientAnswer answer, UsageScanner scanner, ExchangeLedger ledger,
                 UpstreamClient upstreams, CircuitBreaker breaker, UpstreamKeyHealer healer, RelayTimeouts timeouts,
                 ExchangeRegistry registry, GatewayMetrics metrics) {
        this.call = call;
        this.answer = answer;
        this.scanner = scanner;
        this.ledger = ledger;
        this.upstreams = upstreams;
        this.breaker = breaker;
        this.healer = healer;
        this.timeouts = timeouts;
        this.registry = registry;
        this.metrics = metrics;
    }

    State state() {
        return state;
    }

    void start() {
        registry.add(this);
        if (!breaker.allowRequest(System.nanoTime())) {
            metrics.upstreamError("circuit_open");
            finishWithError(GatewayError.UPSTREAM_UNAVAILABLE, null, UsageStatus.UPSTREAM_ERROR);
            return;
        }
        connect();
    }

    // ---- CONNECTING ---------------------------------------------------------------------------

    private void connect() {
        state = State.CONNECTING;
        attempts++;
        upstreams.acquire(answer.eventLoop()).addListener((ChannelFuture f) -> connected(f));
    }

    private void connected(ChannelFuture f) {
        if (state != State.CONNECTING) {
            if (f.isSuccess()) {
                upstreams.release(answer.eventLoop(), f.channel());
            }
            return;
        }
        if (!f.isSuccess()) {
            upstreamFailed("connect");
            if (attempts < 2) {
                connect();
            } else {
                finishWithError(GatewayError.UPSTREAM_UNREACHABLE, null, UsageStatus.UPSTREAM_ERROR);
            }
            return;
        }
        upstream = f.channel();
        upstream.pipeline().get(OriginReceiver.class).bind(this);
        state = State.AWAITING_HEAD;
        sentNanos = System.nanoTime();
        sentAt = now();
        lastActivityAt = sentAt;
        ledger.ownUntil(sentNanos);
        upstream.writeAndFlush(UpstreamRequest.of(upstreams.target(), call)).addListener((ChannelFuture w) -> {
            if (w.isSuccess() && w.channel() == upstream) {
                readUpstream();
            } else if (!w.isSuccess()) {
                w.channel().close();
            }
        });
        armTimer(timeouts.firstByte());
    }

    // ---- upstream events ----------------------------------------------------------------------

    @Override
    public void onHead(HttpResponse head) {
        long t0 = System.nanoTime();
        readOutstanding = false;
        lastActivityAt = now();
        status = head.status().code();
        upstreamKeepAlive = HttpUtil.isKeepAlive(head);
        retryAfter = head.headers().get(HttpHeaderNames.RETRY_AFTER);
        scanner.generationIdFromHeader(head.headers().get(UpstreamRequest.GENERATION_ID));
        if (status >= 500) {
            upstreamFailed("status_" + status);
        } else if (status < 400) {
            breaker.onSuccess();
        }
        boolean streamed = status == 200 && call.stream();
        if (state == State.AWAITING_HEAD) {
            if (streamed) {
                state = State.STREAMING;
                relay = answer.startStream(scanner);
                ledger.streamStarted();
            } else {
                state = State.BUFFERING;
                whole = new WholeAnswer(answer.alloc(), status == 200);
            }
            // the chunk and write-stall limits apply from now on: check at their pace, not at the first-byte deadline
            armTimer(Math.min(timeouts.chunk(), timeouts.writeStall()) / 4);
        } else if (state == State.ORPHANED) {
            if (streamed) {
                ledger.streamStarted();
                closeUpstream();
                settleLater();
            } else {
                whole = new WholeAnswer(answer.alloc(), status == 200);
            }
        }
        ledger.own(t0);
    }

    @Override
    public void onContent(HttpContent c) {
        long t0 = System.nanoTime();
        readOutstanding = false;
        lastActivityAt = now();
        boolean last = c instanceof LastHttpContent;
        switch (state) {
            case STREAMING -> {
                ledger.firstByte(c.content().isReadable());
                relay.relay(c);
                ledger.streamProgress();
                if (last) {
                    upstreamEnded();
                    finishWhenCostKnown();
                }
            }
            case BUFFERING, ORPHANED -> {
                if (whole == null || !whole.add(c)) {
                    if (whole != null) {
                        upstreamMisbehaved();
                    }
                    break;
                }
                if (last) {
                    upstreamEnded();
                    wholeArrived();
                }
            }
            default -> ReferenceCountUtil.release(c);
        }
        ledger.own(t0);
    }

    @Override
    public void onReadComplete() {
        long t0 = System.nanoTime();
        if (state == State.STREAMING) {
            relay.emit();
            flushPendingSince = now();
            answer.flushThen(this::clientTookBatch, this::clientGone);
        } else if (state == State.BUFFERING || state == State.ORPHANED || state == State.AWAITING_HEAD) {
            readUpstream();
        }
        ledger.own(t0);
    }

    @Override
    public void onClosed() {
        upstream = null;
        switch (state) {
            case AWAITING_HEAD -> {
                upstreamFailed("reset");
                if (attempts < 2) {
                    connect();
                } else {
                    finishWithError(GatewayError.UPSTREAM_ERROR, "The upstream closed the connection.",
                            UsageStatus.UPSTREAM_ERROR);
                }
            }
            case STREAMING -> {
                upstreamFailed("reset");
                endedAs = UsageStatus.UPSTREAM_ERROR;
                answer.endStreamWithError(relay, GatewayError.UPSTREAM_ERROR, "The upstream closed the connection mid-answer.");
                settleLater();
            }
            case BUFFERING -> {
                upstreamFailed("reset");
                answer.error(GatewayError.UPSTREAM_ERROR, "The upstream closed the connection mid-answer.", null);
                endedAs = UsageStatus.UPSTREAM_ERROR;
                releaseWhole();
                settleLater();
            }
            case ORPHANED -> {
                releaseWhole();
                settleLater();
            }
            default -> { }
        }
    }

    // ---- the answer's end -----------------------------------------------------------------------

    /** A whole answer arrived (BUFFERING, or ORPHANED for a client that is gone). */
    private void wholeArrived() {
        boolean forClient = state == State.BUFFERING;
        if (status == 200) {
            scanner.scanJson(whole.body());
            if (!whole.wellFormed()) {
                metrics.upstreamError("malformed");
                endedAs = UsageStatus.UPSTREAM_ERROR;
                releaseWhole();
                if (forClient) {
                    answer.error(GatewayError.UPSTREAM_MALFORMED, null, null);
                }
                settleLater();
                return;
            }
            if (forClient) {
                finishWhenCostKnown();
            } else {
                releaseWhole();
                settleLater();
            }
            return;
        }
        if (status == 401 && !healTried && forClient) {
            releaseWhole();
            heal();
            return;
        }
        if (forClient) {
            GatewayError e = UpstreamErrors.map(status);
            String detail = e == GatewayError.UPSTREAM_REJECTED ? "The upstream rejected the request: "
                    + whole.upstreamMessage() : e == GatewayError.UPSTREAM_ERROR ? "The upstream failed (" + status + ")." : null;
            releaseWhole();
            finishWithError(e, detail, UsageStatus.UPSTREAM_ERROR);
        } else {
            releaseWhole();
            settleLater();
        }
    }

    /** The client is still here: its last bytes wait for the cost (looked up briefly if the answer had none). */
    private void finishWhenCostKnown() {
        state = State.FINISHING;
        ledger.resolveCost(GenerationLookup.QUICK, this::finishForClient);
    }

    private void finishForClient() {
        if (state != State.FINISHING) {
            return;
        }
        WholeAnswer w = whole;
        whole = null; // the client's now: settling must not release it
        long spendable = settle(endedAs);
        if (relay != null) {
            answer.endStream(relay, ledger.costComment(spendable));
        } else {
            answer.whole(w, ledger, spendable);
        }
    }

    /** Nothing more goes to the client: settle once the generation's record is known (or pending). */
    private void settleLater() {
        if (state == State.DONE || state == State.SETTLING) {
            return; // already settled or settling: a re-entrant close must not start a second settlement
        }
        state = State.SETTLING;
        cancelTimer();
        if (relay != null) {
            relay.release();
        }
        ledger.resolveCost(registry.stopping() ? GenerationLookup.QUICK : GenerationLookup.PATIENT,
                () -> settle(endedAs));
    }

    private void finishWithError(GatewayError e, String detail, UsageStatus as) {
        closeUpstream();
        endedAs = as;
        long spendable = settle(as);
        answer.error(e, detail, e == GatewayError.UPSTREAM_RATE_LIMITED ? retryAfter : null, spendable);
    }

    /** Settles exactly once; the spendable balance after it. */
    private long settle(UsageStatus as) {
        if (state == State.DONE) {
            return call.account().spendable();
        }
        state = State.DONE;
        cancelTimer();
        closeUpstream();
        releaseWhole();
        registry.remove(this);
        return ledger.settle(as, answer.statusForJournal());
    }

    // ---- the client ---------------------------------------------------------------------------------

    /** The client closed its connection, or a write to it failed. */
    public void clientGone() {
        switch (state) {
            case CONNECTING -> {
                endedAs = UsageStatus.CLIENT_ABORTED;
                answer.gone();
                settle(UsageStatus.CLIENT_ABORTED);
            }
            case AWAITING_HEAD, BUFFERING -> {
                answer.gone();
                orphan(UsageStatus.CLIENT_ABORTED, timeouts.orphan());
            }
            case STREAMING, FINISHING -> {
                answer.gone();
                endedAs = UsageStatus.CLIENT_ABORTED;
                closeUpstream();
                settleLater();
            }
            default -> answer.gone();
        }
    }

    /** The last batch is on the client's socket: read the next one. */
    private void clientTookBatch() {
        flushPendingSince = WRITABLE;
        readUpstream();
    }

    /**
     * The client has not taken what was written for {@code limit}: its socket stayed unwritable, or
     * (the usual case, since a batch is smaller than the high watermark) the last batch's flush has
     * not reached the socket.
     */
    private boolean clientStalled(long now, long limit) {
        return unwritableSince != WRITABLE && now - unwritableSince >= limit
                || flushPendingSince != WRITABLE && now - flushPendingSince >= limit;
    }

    /** The client's socket drained below its low watermark (or filled above the high one). */
    public void clientWritabilityChanged(boolean writable) {
        unwritableSince = writable ? WRITABLE : now();
        if (writable && state == State.STREAMING) {
            readUpstream();
        }
    }

    /** The gateway is stopping and the grace period is over (runs on this exchange's loop). */
    void cut() {
        answer.eventLoop().execute(() -> {
            switch (state) {
                case CONNECTING -> finishWithError(GatewayError.SHUTTING_DOWN, null, UsageStatus.SHUTDOWN);
                case AWAITING_HEAD, BUFFERING -> {
                    answer.error(GatewayError.SHUTTING_DOWN, null, null);
                    orphan(UsageStatus.SHUTDOWN, timeouts.firstByte() / 60);
                }
                case STREAMING -> {
                    endedAs = UsageStatus.SHUTDOWN;
                    answer.endStreamWithError(relay, GatewayError.SHUTTING_DOWN, null);
                    closeUpstream();
                    settleLater();
                }
                case ORPHANED -> {
                    orphanDeadline = Math.min(orphanDeadline, now());
                    armTimer(0);
                }
                case FINISHING -> finishForClient(); // the cost lookup is not awaited: pending if unknown
                case SETTLING -> settle(endedAs);
                default -> { }
            }
        });
    }

    private void orphan(UsageStatus as, long forNanos) {
        endedAs = as;
        state = State.ORPHANED;
        orphanDeadline = now() + forNanos;
        armTimer(forNanos);
    }

    // ---- time -------------------------------------------------------------------------------------

    private void armTimer(long nanos) {
        cancelTimer();
        timer = answer.eventLoop().schedule(this::checkTime, Math.max(nanos, 1_000_000), TimeUnit.NANOSECONDS);
    }

    private void checkTime() {
        timer = null;
        long now = now();
        RelayTimeouts t = timeouts;
        switch (state) {
            case AWAITING_HEAD -> {
                if (now - sentAt >= t.firstByte()) {
                    upstreamFailed("timeout");
                    answer.error(GatewayError.UPSTREAM_TIMEOUT, null, null);
                    orphan(UsageStatus.TIMEOUT, t.orphan());
                    return;
                }
                armTimer(t.firstByte() - (now - sentAt));
            }
            case STREAMING, BUFFERING -> {
                long limit = ledger.sawFirstByte() ? t.chunk() : t.firstByte();
                if (clientStalled(now, t.writeStall())) {
                    metrics.upstreamError("client_stalled");
                    endedAs = UsageStatus.CLIENT_ABORTED;
                    answer.close();
                    closeUpstream();
                    settleLater();
                    return;
                }
                if (readOutstanding && now - lastActivityAt >= limit) {
                    upstreamFailed("timeout");
                    endedAs = UsageStatus.TIMEOUT;
                    if (state == State.STREAMING) {
                        answer.endStreamWithError(relay, GatewayError.UPSTREAM_TIMEOUT, "The upstream stopped sending.");
                    } else {
                        answer.error(GatewayError.UPSTREAM_TIMEOUT, null, null);
                        releaseWhole();
                    }
                    closeUpstream();
                    settleLater();
                    return;
                }
                armTimer(Math.min(limit, t.writeStall()) / 4);
            }
            case ORPHANED -> {
                if (now >= orphanDeadline) {
                    closeUpstream();
                    releaseWhole();
                    settleLater();
                    return;
                }
                armTimer(orphanDeadline - now);
            }
            default -> { }
        }
    }

    private long now() {
        return answer.eventLoop().ticker().nanoTime();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void readUpstream() {
        Channel ch = upstream;
        if (ch == null || state == State.DONE || state == State.SETTLING || state == State.FINISHING) {
            return;
        }
        if (state == State.STREAMING && !answer.writable()) {
            return; // clientWritabilityChanged asks again
        }
        if (!readOutstanding) {
            readOutstanding = true;
            lastActivityAt = now();
        }
        ch.read();
    }

    private void heal() {
        healTried = true;
        state = State.CONNECTING;
        metrics.upstreamKeyHeal();
        healer.heal(call.account(), call.traceId()).whenComplete((healed, error) -> answer.eventLoop().execute(() -> {
            if (state != State.CONNECTING) {
                return;
            }
            if (error == null && Boolean.TRUE.equals(healed) && call.account().upstreamKey() != null) {
                attempts = 0;
                connect();
            } else {
                finishWithError(GatewayError.UPSTREAM_AUTH, null, UsageStatus.UPSTREAM_ERROR);
            }
        }));
    }

    private void upstreamFailed(String kind) {
        breaker.onFailure(call.account().userId(), System.nanoTime());
        metrics.upstreamError(kind);
    }

    /** An answer past every sane size: treated as a broken upstream. */
    private void upstreamMisbehaved() {
        metrics.upstreamError("oversized");
        endedAs = UsageStatus.UPSTREAM_ERROR;
        if (state == State.BUFFERING) {
            answer.error(GatewayError.UPSTREAM_MALFORMED, null, null);
        }
        closeUpstream();
        releaseWhole();
        settleLater();
    }

    private void upstreamEnded() {
        ledger.upstreamDone();
        cancelTimer();
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            ch.pipeline().get(OriginReceiver.class).unbind();
            if (upstreamKeepAlive) {
                upstreams.release(answer.eventLoop(), ch);
            } else {
                ch.close();
            }
        }
    }

    private void closeUpstream() {
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            ch.pipeline().get(OriginReceiver.class).unbind();
            ch.close();
        }
    }

    private void releaseWhole() {
        if (whole != null) {
            whole.release();
            whole = null;
        }
    }

    public String requestId() {
        return call.requestId();
    }
}
