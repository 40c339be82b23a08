package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.common.usage.UsageStatus;
import ai.dexto.gateway.dataplane.credit.UserAccount;
import ai.dexto.gateway.dataplane.journal.Settlement;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.server.HttpErrors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One chat request from the moment its credit is reserved: sends it upstream over a pooled
 * connection on the client's event loop, relays the answer with backpressure both ways (HexDumpProxy
 * style: both channels have auto-read off and the next upstream read is requested when the client
 * write succeeded), finds the cost in the bytes, and settles once into the journal. All methods run
 * on the client channel's event loop.
 */
public final class ChatExchange {
    /**
     * Headers of messages this class builds: every name is one of our constants or was already
     * validated by the decoder it came through, so re-validating each name on every set (a
     * measurable share of the event loops' time) is skipped. Values are validated as by default.
     */
    private static final HttpHeadersFactory OWN_HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withNameValidation(false);
    private static final HttpHeadersFactory OWN_TRAILERS = DefaultHttpHeadersFactory.trailersFactory()
            .withNameValidation(false);

    static final AsciiString REQUEST_ID = AsciiString.cached("x-dexto-request-id");
    static final AsciiString CREDITS = AsciiString.cached("x-dexto-credits-remaining");
    static final AsciiString COST = AsciiString.cached("x-dexto-cost-usd");
    static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream");
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /** What the exchange reports when the client's answer is finished. */
    public interface Listener {
        void exchangeFinished(ChatExchange exchange, int httpStatus);
    }

    private final Relay relay;
    private final ChannelHandlerContext client;
    private final Listener listener;
    private final UserAccount account;
    private final ModelInfo model;
    private final ByteBuf body;
    private final boolean stream;
    private final long reservedNanos;
    private final long spendableAfter;
    private final String requestId;
    private final HttpHeaders forwardHeaders;
    private final HttpHeaders rateHeaders;
    private final Settlement settlement = new Settlement();
    private final UsageScanner scanner = new UsageScanner();
    private final long receivedNanos;
    private final ChannelFutureListener onConnected = this::onConnected;
    private final ChannelFutureListener onRequestWritten = this::onRequestWritten;
    private final ChannelFutureListener readNext = this::readNext;
    private final Runnable timeoutCheck = this::checkTimeout;
    private final ArrayDeque<Object> parked = new ArrayDeque<>(2);

    private Channel upstream;
    private int attempts;
    private int upstreamStatus;
    private String upstreamRetryAfter;
    private boolean upstreamKeepAlive;
    private boolean upstreamComplete;
    private boolean headSent;
    private boolean finished;
    private boolean settled;
    private boolean clientGone;
    private boolean commentWritten;
    private boolean waitingForCost;
    private boolean lookupDone;
    private boolean readWanted;
    private boolean readOutstanding;
    private long lookedUpCost = -1;
    private long upstreamSentNanos;
    private long upstreamDoneNanos;
    private long lastActivityNanos;
    private long firstByteNanos;
    private ChunkFramer framer;
    private CompositeByteBuf aggregate;
    private ByteBuf held;
    private ScheduledFuture<?> timer;
    private int answeredStatus;

    public ChatExchange(Relay relay, ChannelHandlerContext client, Listener listener, UserAccount account,
                        long keyId, ModelInfo model, ByteBuf body, boolean stream, long reservedNanos,
                        long spendableAfter, long requestIdHigh, long requestIdLow, String requestId,
                        CharSequence sessionId, long receivedNanos, HttpHeaders forwardHeaders,
                        HttpHeaders rateHeaders) {
        this.relay = relay;
        this.client = client;
        this.listener = listener;
        this.account = account;
        this.model = model;
        this.body = body;
        this.stream = stream;
        this.reservedNanos = reservedNanos;
        this.spendableAfter = spendableAfter;
        this.requestId = requestId;
        this.forwardHeaders = forwardHeaders;
        this.rateHeaders = rateHeaders;
        this.receivedNanos = receivedNanos;
        UsageEvent e = settlement.draft;
        e.requestIdHigh = requestIdHigh;
        e.requestIdLow = requestIdLow;
        e.userId = account.userId();
        e.keyId = keyId;
        e.model = model.id();
        e.streamed = stream;
        if (sessionId != null) {
            e.sessionId.append(sessionId, 0, Math.min(sessionId.length(), 128));
        }
        e.receivedAtMicros = System.currentTimeMillis() * 1000;
        settlement.account = account;
        settlement.reservedNanos = reservedNanos;
    }

    public void start() {
        if (!relay.breaker.allowRequest(System.nanoTime())) {
            relay.metrics.upstreamError("circuit_open");
            failBeforeHead(503, "service_unavailable", "upstream_unavailable",
                    "The upstream is failing; retry shortly.", UsageStatus.UPSTREAM_ERROR);
            return;
        }
        attempts++;
        relay.pool(client.channel().eventLoop()).acquire().addListener(onConnected);
    }

    private void onConnected(ChannelFuture f) {
        if (clientGone || finished) {
            if (f.isSuccess()) {
                f.channel().close();
            }
            return;
        }
        if (!f.isSuccess()) {
            relay.breaker.onFailure(System.nanoTime());
            relay.metrics.upstreamError("connect");
            if (attempts < 2) {
                start();
            } else {
                failBeforeHead(502, "upstream_error", "upstream_unreachable", "The upstream cannot be reached.",
                        UsageStatus.UPSTREAM_ERROR);
            }
            return;
        }
        upstream = f.channel();
        upstream.pipeline().get(UpstreamHandler.class).bind(this);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                relay.target.chatPath(), body.retainedDuplicate(), OWN_HEADERS, OWN_TRAILERS);
        HttpHeaders h = request.headers();
        h.set(HttpHeaderNames.HOST, relay.target.hostHeader())
                .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + account.upstreamKey())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCEPT, stream ? EVENT_STREAM : HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set("X-Title", "Dexto Gateway");
        if (forwardHeaders != null) {
            h.add(forwardHeaders);
        }
        upstreamSentNanos = System.nanoTime();
        lastActivityNanos = upstreamSentNanos;
        upstream.writeAndFlush(request).addListener(onRequestWritten);
        if (timer == null) {
            timer = client.executor().schedule(timeoutCheck, relay.firstByteTimeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void onRequestWritten(ChannelFuture f) {
        if (f.isSuccess()) {
            if (f.channel() == upstream) {
                readOutstanding = true;
                upstream.read();
            }
        } else {
            f.channel().close();
        }
    }

    // ---- upstream → client -------------------------------------------------------------------

    void onUpstreamMessage(Object msg) {
        if (settled && finished || clientGone) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (waitingForCost) {
            parked.add(msg);
            return;
        }
        lastActivityNanos = System.nanoTime();
        readOutstanding = false;
        if (msg instanceof HttpResponse r) {
            onHead(r);
        }
        if (msg instanceof HttpContent c) {
            boolean last = c instanceof LastHttpContent;
            if (upstreamStatus == 200 && stream) {
                relayChunk(c, last);
            } else {
                if (aggregate != null && aggregate.readableBytes() < (upstreamStatus == 200 ? Integer.MAX_VALUE : MAX_ERROR_BODY)) {
                    aggregate.addComponent(true, c.content().retain());
                }
                c.release();
                if (last) {
                    upstreamEnded();
                    if (upstreamStatus == 200) {
                        finishComplete();
                    } else {
                        finishUpstreamError();
                    }
                }
            }
        }
    }

    private void onHead(HttpResponse r) {
        upstreamStatus = r.status().code();
        upstreamKeepAlive = HttpUtil.isKeepAlive(r);
        upstreamRetryAfter = r.headers().get(HttpHeaderNames.RETRY_AFTER);
        if (upstreamStatus >= 500) {
            relay.breaker.onFailure(System.nanoTime());
            relay.metrics.upstreamError("status_" + upstreamStatus);
        } else {
            relay.breaker.onSuccess();
        }
        if (upstreamStatus == 200 && stream) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, OWN_HEADERS);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ourHeaders(head.headers());
            headSent = true;
            answeredStatus = 200;
            relay.metrics.streamStarted();
            client.write(head);
            framer = new ChunkFramer(client.pipeline().context("codec"));
        } else {
            aggregate = client.alloc().compositeBuffer(1024);
        }
    }

    /** Forwards one upstream buffer as is, inserting the cost comment before {@code data: [DONE]}. */
    private void relayChunk(HttpContent c, boolean last) {
        ByteBuf buf = c.content();
        if (firstByteNanos == 0 && buf.isReadable()) {
            firstByteNanos = System.nanoTime();
            relay.metrics.timeToFirstByte(firstByteNanos - receivedNanos);
        }
        scanner.scanSse(buf);
        boolean done = !commentWritten && (scanner.doneAt >= 0 || scanner.doneInPartial);
        if (held == null && scanner.holdFrom < 0 && !done) {
            if (last) {
                upstreamEnded();
                endStream(c);
            } else {
                framer.write(c.content());
            }
            return;
        }
        int ri = buf.readerIndex();
        int cut = scanner.holdFrom >= 0 ? scanner.holdFrom : buf.writerIndex();
        ByteBuf carried = held;
        held = scanner.holdFrom >= 0 ? buf.retainedSlice(cut, buf.writerIndex() - cut) : null;
        if (done) {
            int doneAt = scanner.doneInPartial ? ri : scanner.doneAt;
            if (!scanner.doneInPartial) {
                writeBytes(join(carried, buf.retainedSlice(ri, doneAt - ri)));
                carried = null;
            }
            ByteBuf tail = join(carried, buf.retainedSlice(doneAt, cut - doneAt));
            c.release();
            parked.addFirst(new DefaultHttpContent(tail));
            if (last) {
                parked.add(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            resolveCost(this::afterCostBeforeDone);
            return;
        }
        writeBytes(join(carried, buf.retainedSlice(ri, cut - ri)));
        c.release();
        if (last) {
            upstreamEnded();
            endStream(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    private void afterCostBeforeDone() {
        if (clientGone) {
            drainParked();
            settle(UsageStatus.CLIENT_ABORTED);
            return;
        }
        writeCostComment();
        Object first = parked.pollFirst();
        if (first instanceof HttpContent c) {
            framer.write(c.content());
        }
        Object next;
        while (!waitingForCost && (next = parked.poll()) != null) {
            onUpstreamMessage(next);
        }
        if (!finished) {
            framer.emit();
            client.flush();
            onUpstreamReadComplete();
        }
    }

    private void writeCostComment() {
        if (commentWritten) {
            return;
        }
        commentWritten = true;
        StringBuilder sb = new StringBuilder(48).append(": x-dexto-cost-usd=");
        Money.formatTo(sb, billedCost()).append("\n\n");
        writeBytes(Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.US_ASCII)));
    }

    private void endStream(HttpContent last) {
        resolveCost(() -> {
            if (clientGone) {
                ReferenceCountUtil.release(last);
                settle(UsageStatus.CLIENT_ABORTED);
                return;
            }
            writeCostComment();
            if (last.content().isReadable()) {
                framer.write(last.content().retain());
            }
            last.release();
            framer.finish();
            client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> answered(f.isSuccess() ? 200 : 499));
            settle(UsageStatus.COMPLETED);
        });
    }

    void onUpstreamReadComplete() {
        if (waitingForCost || upstream == null || upstreamComplete) {
            return;
        }
        if (headSent) {
            // The batch's bytes go out as one chunk with the void promise (no allocation per chunk); one
            // empty marker write per read batch completes when everything before it is on the socket.
            framer.emit();
            ChannelFuture w = client.writeAndFlush(Unpooled.EMPTY_BUFFER);
            if (!w.isDone()) {
                w.addListener(readNext);
                return;
            }
            if (!w.isSuccess()) {
                onClientGone();
                return;
            }
        }
        requestRead();
    }

    private void readNext(ChannelFuture f) {
        if (!f.isSuccess()) {
            onClientGone();
            return;
        }
        requestRead();
    }

    private void requestRead() {
        if (upstream == null || upstreamComplete || finished) {
            return;
        }
        if (!client.channel().isWritable()) {
            readWanted = true;
            return;
        }
        // The upstream's silence is timed from when we asked for more, not while the client is slow.
        if (!readOutstanding) {
            readOutstanding = true;
            lastActivityNanos = System.nanoTime();
        }
        upstream.read();
    }

    /** The client's socket drained below the low watermark. */
    public void onClientWritable() {
        if (readWanted && client.channel().isWritable()) {
            readWanted = false;
            requestRead();
        }
    }

    private void finishComplete() {
        scanner.scanJson(aggregate);
        boolean wellFormed = endsWithBrace(aggregate);
        resolveCost(() -> {
            if (clientGone) {
                aggregate.release();
                settle(UsageStatus.CLIENT_ABORTED);
                return;
            }
            if (!wellFormed) {
                aggregate.release();
                relay.metrics.upstreamError("malformed");
                sendError(502, "upstream_error", "upstream_malformed", "The upstream sent a malformed answer.");
                settle(UsageStatus.UPSTREAM_ERROR);
                return;
            }
            if (firstByteNanos == 0) {
                firstByteNanos = System.nanoTime();
                relay.metrics.timeToFirstByte(firstByteNanos - receivedNanos);
            }
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, aggregate,
                    OWN_HEADERS, OWN_TRAILERS);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, aggregate.readableBytes());
            ourHeaders(r.headers());
            r.headers().set(COST, Money.format(billedCost()));
            headSent = true;
            answeredStatus = 200;
            client.writeAndFlush(r).addListener(f -> answered(f.isSuccess() ? 200 : 499));
            settle(UsageStatus.COMPLETED);
        });
    }

    private void finishUpstreamError() {
        String detail = aggregate.toString(StandardCharsets.UTF_8);
        aggregate.release();
        int s = upstreamStatus;
        if (s == 429) {
            relay.metrics.rateLimited("upstream");
            FullHttpResponse r = HttpErrors.of(429, "rate_limit_error", "upstream_rate_limited",
                    "The upstream is rate limiting; retry shortly.");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, upstreamRetryAfter != null ? upstreamRetryAfter : "1");
            send(r);
        } else if (s == 503) {
            sendError(503, "service_unavailable", "upstream_unavailable", "The upstream is unavailable; retry shortly.");
        } else if (s == 400) {
            sendError(400, "invalid_request_error", "upstream_rejected", "The upstream rejected the request: "
                    + upstreamMessage(detail));
        } else if (s == 408 || s == 504) {
            sendError(504, "timeout", "upstream_timeout", "The upstream timed out.");
        } else {
            sendError(502, "upstream_error", "upstream_error", "The upstream failed (" + s + ").");
        }
        settle(UsageStatus.UPSTREAM_ERROR);
    }

    private static String upstreamMessage(String body) {
        int at = body.indexOf("\"message\":\"");
        if (at < 0) {
            return "no detail";
        }
        int end = body.indexOf('"', at + 11);
        return body.substring(at + 11, end < 0 ? Math.min(body.length(), at + 211) : Math.min(end, at + 211));
    }

    // ---- failures -------------------------------------------------------------------------------

    void onUpstreamClosed() {
        if (upstreamComplete || clientGone || finished && settled) {
            return;
        }
        upstream = null;
        if (upstreamStatus == 0) {
            relay.breaker.onFailure(System.nanoTime());
            relay.metrics.upstreamError("reset");
            if (attempts < 2) {
                start();
                return;
            }
            failBeforeHead(502, "upstream_error", "upstream_error", "The upstream closed the connection.",
                    UsageStatus.UPSTREAM_ERROR);
        } else {
            relay.metrics.upstreamError("reset");
            abortAfterHead("The upstream closed the connection mid-answer.", "upstream_error", 502,
                    UsageStatus.UPSTREAM_ERROR);
        }
    }

    private void checkTimeout() {
        timer = null;
        if (upstreamComplete || finished || clientGone) {
            return;
        }
        long now = System.nanoTime();
        boolean beforeFirst = upstreamStatus == 0 || (stream && firstByteNanos == 0);
        long limit = beforeFirst ? relay.firstByteTimeoutNanos : relay.chunkTimeoutNanos;
        long idle = now - lastActivityNanos;
        boolean waitingOnClient = headSent && !readOutstanding;
        if (idle < limit || waitingForCost || waitingOnClient) {
            timer = client.executor().schedule(timeoutCheck, Math.max(limit - idle, 1_000_000), TimeUnit.NANOSECONDS);
            return;
        }
        relay.breaker.onFailure(now);
        relay.metrics.upstreamError("timeout");
        closeUpstream();
        if (upstreamStatus == 0) {
            failBeforeHead(504, "timeout", "upstream_timeout", "The upstream did not answer in time.",
                    UsageStatus.TIMEOUT);
        } else {
            abortAfterHead("The upstream stopped sending.", "upstream_timeout", 504, UsageStatus.TIMEOUT);
        }
    }

    /** After the head: a stream gets an SSE error event and is closed; a whole answer becomes an error. */
    private void abortAfterHead(String message, String code, int status, UsageStatus usageStatus) {
        closeUpstream();
        releaseBuffers();
        if (headSent) {
            byte[] event = ("data: " + new String(HttpErrors.json("upstream_error", code, message),
                    StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8);
            framer.write(Unpooled.wrappedBuffer(event));
            framer.finish();
            client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
            answered(200);
        } else {
            sendError(status, status == 504 ? "timeout" : "upstream_error", code, message);
        }
        resolveCost(() -> settle(usageStatus));
    }

    private void failBeforeHead(int status, String type, String code, String message, UsageStatus usageStatus) {
        closeUpstream();
        releaseBuffers();
        if (!clientGone) {
            sendError(status, type, code, message);
        }
        resolveCost(() -> settle(usageStatus));
    }

    /** The client closed its connection (or a write to it failed). */
    public void onClientGone() {
        if (clientGone || finished) {
            return;
        }
        clientGone = true;
        closeUpstream();
        releaseBuffers();
        answered(499);
        if (!waitingForCost) {
            resolveCost(() -> settle(UsageStatus.CLIENT_ABORTED));
        }
    }

    // ---- settlement -----------------------------------------------------------------------------

    /** Runs {@code then} on the event loop once the cost is as known as it will be. */
    private void resolveCost(Runnable then) {
        if (scanner.usageSeen() || lookupDone || scanner.generationId.length() == 0 || account.upstreamKey() == null) {
            then.run();
            return;
        }
        lookupDone = true;
        waitingForCost = true;
        relay.generations.cost(scanner.generationId.toString(), account.upstreamKey())
                .whenComplete((cost, error) -> client.executor().execute(() -> {
                    waitingForCost = false;
                    if (error == null && cost != null && cost >= 0) {
                        lookedUpCost = cost;
                    }
                    then.run();
                }));
    }

    private long upstreamCost() {
        if (scanner.usageSeen()) {
            return scanner.upstreamChargeNanos();
        }
        if (lookedUpCost >= 0) {
            return lookedUpCost;
        }
        if (scanner.promptTokens >= 0 && scanner.completionTokens >= 0) {
            return Money.add(Money.costOf(scanner.promptTokens, model.promptPicoPerToken()),
                    Money.costOf(scanner.completionTokens, model.completionPicoPerToken()));
        }
        return -1;
    }

    /** What the user pays: the upstream's charge plus markup; if unknown, the tokens seen × price. */
    private long billedCost() {
        long upstreamNanos = upstreamCost();
        if (upstreamNanos < 0) {
            upstreamNanos = Money.costOf(scanner.dataEvents, model.completionPicoPerToken());
        }
        return relay.credit.billed(upstreamNanos);
    }

    private void settle(UsageStatus status) {
        if (settled) {
            return;
        }
        settled = true;
        cancelTimer();
        if (headSent && stream) {
            relay.metrics.streamEnded();
        }
        boolean reachedUpstream = upstreamStatus != 0 || scanner.generationId.length() > 0 || upstreamSentNanos != 0;
        UsageEvent e = settlement.draft;
        long upstreamNanos = upstreamCost();
        e.upstreamCostNanos = Math.max(0, upstreamNanos);
        e.billedCostNanos = reachedUpstream ? billedCost() : 0;
        e.status = status;
        e.generationId.append(scanner.generationId);
        e.promptTokens = Math.max(0, scanner.promptTokens);
        e.completionTokens = scanner.completionTokens >= 0 ? scanner.completionTokens : scanner.dataEvents;
        e.reasoningTokens = scanner.reasoningTokens;
        e.cachedTokens = scanner.cachedTokens;
        e.httpStatus = answeredStatus == 0 ? (clientGone ? 499 : 200) : answeredStatus;
        long now = System.nanoTime();
        e.firstByteAtMicros = firstByteNanos == 0 ? 0 : e.receivedAtMicros + (firstByteNanos - receivedNanos) / 1000;
        e.completedAtMicros = e.receivedAtMicros + (now - receivedNanos) / 1000;
        relay.journal.publish(settlement);
        if (upstreamSentNanos != 0) {
            long upstreamWait = (upstreamDoneNanos != 0 ? upstreamDoneNanos : now) - upstreamSentNanos;
            relay.metrics.upstream(upstreamWait);
            relay.metrics.overhead((now - receivedNanos) - upstreamWait);
        }
        scanner.release();
        body.release();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private void answered(int status) {
        if (finished) {
            return;
        }
        finished = true;
        if (answeredStatus == 0 || status == 499) {
            answeredStatus = status;
        }
        listener.exchangeFinished(this, answeredStatus);
    }

    private void sendError(int status, String type, String code, String message) {
        send(HttpErrors.of(status, type, code, message));
    }

    private void send(FullHttpResponse r) {
        if (finished || clientGone) {
            r.release();
            return;
        }
        ourHeaders(r.headers());
        answeredStatus = r.status().code();
        int status = answeredStatus;
        client.writeAndFlush(r).addListener(f -> answered(status));
    }

    private void ourHeaders(HttpHeaders h) {
        h.set(REQUEST_ID, requestId);
        h.set(CREDITS, Money.format(spendableAfter));
        h.add(rateHeaders);
    }

    private void writeBytes(ByteBuf b) {
        framer.write(b);
    }

    private static ByteBuf join(ByteBuf first, ByteBuf second) {
        if (first == null) {
            return second;
        }
        return Unpooled.wrappedBuffer(first, second);
    }

    private void upstreamEnded() {
        upstreamComplete = true;
        upstreamDoneNanos = System.nanoTime();
        cancelTimer();
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            ch.pipeline().get(UpstreamHandler.class).unbind();
            if (upstreamKeepAlive) {
                relay.pool(client.channel().eventLoop()).release(ch);
            } else {
                ch.close();
            }
        }
    }

    private void closeUpstream() {
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            ch.pipeline().get(UpstreamHandler.class).unbind();
            ch.close();
        }
    }

    private void releaseBuffers() {
        if (framer != null) {
            framer.close();
        }
        if (held != null) {
            held.release();
            held = null;
        }
        if (aggregate != null && aggregate.refCnt() > 0 && !headSent) {
            aggregate.release();
            aggregate = null;
        }
        drainParked();
    }

    private void drainParked() {
        Object o;
        while ((o = parked.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static boolean endsWithBrace(ByteBuf b) {
        for (int i = b.writerIndex() - 1; i >= b.readerIndex(); i--) {
            byte c = b.getByte(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return c == '}';
            }
        }
        return false;
    }

    public String requestId() {
        return requestId;
    }

    public UserAccount account() {
        return account;
    }

    public String model() {
        return model.id();
    }

    public String billedUsd() {
        return settled ? Money.format(settlement.draft.billedCostNanos) : null;
    }

    static Map<String, String> none() {
        return Map.of();
    }
}
