package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.dataplane.account.UpstreamKeyHealer;
import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One chat request from its reservation to its settlement: the upstream's events, the client's and
 * the timer's, each a transition of one {@link ExchangeState} (the diagram and the billing rules are
 * there). All of it runs on the client channel's event loop; the upstream connection lives on the
 * same loop. How an exchange ends and settles is {@link ExchangeCore}; the upstream connection is an
 * {@link UpstreamLeg}, the clock an {@link ExchangeDeadlines}, the money an {@link ExchangeLedger} and
 * the client's bytes a {@link ClientAnswer}.
 */
public final class ChatExchange extends ExchangeCore implements OriginListener {
    private final UpstreamKeyHealer healer;
    private boolean healTried;
    private int status;

    ChatExchange(ChatCall call, ClientAnswer answer, UsageScanner scanner, ExchangeLedger ledger,
                 UpstreamLeg upstream, UpstreamKeyHealer healer, RelayTimeouts timeouts,
                 ExchangeRegistry registry, GatewayMetrics metrics) {
        super(call, answer, scanner, ledger, upstream, timeouts, registry, metrics);
        this.healer = healer;
    }

    void start() {
        registry.add(this);
        if (!upstream.admitted()) {
            metrics.upstreamError("circuit_open");
            finishWithError(GatewayError.UPSTREAM_UNAVAILABLE, null, UsageStatus.UPSTREAM_ERROR);
            return;
        }
        connect();
    }

    // ---- CONNECTING ---------------------------------------------------------------------------

    private void connect() {
        state = ExchangeState.CONNECTING;
        upstream.connect(this::connected);
    }

    private void connected(ChannelFuture f) {
        if (state != ExchangeState.CONNECTING) {
            if (f.isSuccess()) {
                upstream.giveBack(f.channel());
            }
            return;
        }
        if (!f.isSuccess()) {
            upstream.failed("connect");
            if (upstream.mayRetry()) {
                connect();
            } else {
                finishWithError(GatewayError.UPSTREAM_UNREACHABLE, null, UsageStatus.UPSTREAM_ERROR);
            }
            return;
        }
        state = ExchangeState.AWAITING_HEAD;
        long sentNanos = System.nanoTime();
        deadlines.sent();
        ledger.ownUntil(sentNanos);
        upstream.send(f.channel(), this, call, this::readUpstream);
        deadlines.arm(timeouts.firstByte());
    }

    // ---- upstream events ----------------------------------------------------------------------

    @Override
    public void onHead(HttpResponse head) {
        long t0 = System.nanoTime();
        upstream.answered();
        deadlines.activity();
        status = head.status().code();
        upstream.head(head);
        retryAfter = head.headers().get(HttpHeaderNames.RETRY_AFTER);
        scanner.generationIdFromHeader(head.headers().get(UpstreamRequest.GENERATION_ID));
        boolean streamed = status == 200 && call.stream();
        if (state == ExchangeState.AWAITING_HEAD) {
            if (streamed) {
                state = ExchangeState.STREAMING;
                relay = answer.startStream(scanner);
                ledger.streamStarted();
            } else {
                state = ExchangeState.BUFFERING;
                whole = new WholeAnswer(answer.alloc(), status == 200);
            }
            // the chunk and write-stall limits apply from now on: check at their pace, not at the first-byte deadline
            deadlines.arm(Math.min(timeouts.chunk(), timeouts.writeStall()) / 4);
        } else if (state == ExchangeState.ORPHANED) {
            if (streamed) {
                ledger.streamStarted();
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
        upstream.answered();
        deadlines.activity();
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
        if (state == ExchangeState.STREAMING) {
            relay.emit();
            deadlines.flushed();
            answer.flushThen(this::clientTookBatch, this::clientGone);
        } else if (state == ExchangeState.BUFFERING || state == ExchangeState.ORPHANED || state == ExchangeState.AWAITING_HEAD) {
            readUpstream();
        }
        ledger.own(t0);
    }

    @Override
    public void onClosed() {
        upstream.lost();
        switch (state) {
            case AWAITING_HEAD -> {
                upstream.failed("reset");
                if (upstream.mayRetry()) {
                    connect();
                } else {
                    finishWithError(GatewayError.UPSTREAM_ERROR, "The upstream closed the connection.",
                            UsageStatus.UPSTREAM_ERROR);
                }
            }
            case STREAMING -> {
                upstream.failed("reset");
                answer.endStreamWithError(relay, GatewayError.UPSTREAM_ERROR, "The upstream closed the connection mid-answer.");
                endWith(UsageStatus.UPSTREAM_ERROR);
            }
            case BUFFERING -> {
                upstream.failed("reset");
                answer.error(GatewayError.UPSTREAM_ERROR, "The upstream closed the connection mid-answer.", null);
                endWith(UsageStatus.UPSTREAM_ERROR);
            }
            case ORPHANED -> settleLater();
            default -> { }
        }
    }

    // ---- a whole answer ------------------------------------------------------------------------

    /** A whole answer arrived (BUFFERING, or ORPHANED for a client that is gone). */
    private void wholeArrived() {
        boolean forClient = state == ExchangeState.BUFFERING;
        if (status == 200) {
            scanner.scanJson(whole.body());
            if (!whole.wellFormed()) {
                metrics.upstreamError("malformed");
                if (forClient) {
                    answer.error(GatewayError.UPSTREAM_MALFORMED, null, null);
                }
                endWith(UsageStatus.UPSTREAM_ERROR);
            } else if (forClient) {
                finishWhenCostKnown();
            } else {
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
            finishWithError(e, UpstreamErrors.detail(e, status, whole), UsageStatus.UPSTREAM_ERROR);
        } else {
            settleLater();
        }
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
                endWith(UsageStatus.CLIENT_ABORTED);
            }
            default -> answer.gone();
        }
    }

    /** The last batch is on the client's socket: read the next one. */
    private void clientTookBatch() {
        deadlines.batchTaken();
        readUpstream();
    }

    /** The client's socket drained below its low watermark (or filled above the high one). */
    public void clientWritabilityChanged(boolean writable) {
        deadlines.writability(writable);
        if (writable && state == ExchangeState.STREAMING) {
            readUpstream();
        }
    }

    /** The gateway is stopping and the grace period is over (runs on this exchange's loop). */
    @Override
    void cut() {
        answer.eventLoop().execute(() -> {
            switch (state) {
                case CONNECTING -> finishWithError(GatewayError.SHUTTING_DOWN, null, UsageStatus.SHUTDOWN);
                case AWAITING_HEAD, BUFFERING -> {
                    answer.error(GatewayError.SHUTTING_DOWN, null, null);
                    orphan(UsageStatus.SHUTDOWN, timeouts.firstByte() / 60);
                }
                case STREAMING -> {
                    answer.endStreamWithError(relay, GatewayError.SHUTTING_DOWN, null);
                    endWith(UsageStatus.SHUTDOWN);
                }
                case ORPHANED -> deadlines.orphanNow();
                case FINISHING -> finishForClient(); // the cost lookup is not awaited: pending if unknown
                case SETTLING -> settle(endedAs);
                default -> { }
            }
        });
    }

    // ---- time -------------------------------------------------------------------------------------

    @Override
    void checkTime() {
        switch (deadlines.due(state, ledger.sawFirstByte(), upstream.readOutstanding(), timeouts)) {
            case FIRST_BYTE -> {
                upstream.failed("timeout");
                answer.error(GatewayError.UPSTREAM_TIMEOUT, null, null);
                orphan(UsageStatus.TIMEOUT, timeouts.orphan());
            }
            case CLIENT_STALLED -> {
                metrics.upstreamError("client_stalled");
                answer.close();
                endWith(UsageStatus.CLIENT_ABORTED);
            }
            case UPSTREAM_SILENT -> {
                upstream.failed("timeout");
                if (state == ExchangeState.STREAMING) {
                    answer.endStreamWithError(relay, GatewayError.UPSTREAM_TIMEOUT, "The upstream stopped sending.");
                } else {
                    answer.error(GatewayError.UPSTREAM_TIMEOUT, null, null);
                }
                endWith(UsageStatus.TIMEOUT);
            }
            case ORPHAN_OVER -> settleLater();
            case NOTHING -> { }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** The upstream refused the user's upstream key: ask the control plane once for a working one. */
    private void heal() {
        healTried = true;
        state = ExchangeState.CONNECTING;
        metrics.upstreamKeyHeal();
        healer.heal(call.account(), call.traceId()).whenComplete((healed, error) -> answer.eventLoop().execute(() -> {
            if (state != ExchangeState.CONNECTING) {
                return;
            }
            if (error == null && Boolean.TRUE.equals(healed) && call.account().upstreamKey() != null) {
                upstream.resetAttempts();
                connect();
            } else {
                finishWithError(GatewayError.UPSTREAM_AUTH, null, UsageStatus.UPSTREAM_ERROR);
            }
        }));
    }

    /** An answer past every sane size: treated as a broken upstream. */
    private void upstreamMisbehaved() {
        metrics.upstreamError("oversized");
        if (state == ExchangeState.BUFFERING) {
            answer.error(GatewayError.UPSTREAM_MALFORMED, null, null);
        }
        endWith(UsageStatus.UPSTREAM_ERROR);
    }

}
