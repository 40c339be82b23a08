package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.dataplane.http.GatewayError;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.TimeUnit;

/**
 * Step "body": reads an authenticated, rate-checked chat request's body — and only now; nothing of
 * an unauthenticated request is ever buffered. A body is limited in size (413, from its
 * {@code Content-Length} before reading, or as it grows) and all bodies held at once share the node's
 * {@link BodyBudget} (503 past it rather than the process running out of memory). {@code Expect:
 * 100-continue} is answered here, so a client sends its body only to a caller we accept. The whole
 * request then goes on as one {@link GatewayRequest} with its {@code body}.
 */
final class ReadBody extends ChannelInboundHandlerAdapter {
    private static final FullHttpResponse CONTINUE =
            new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE);
    private static final long DRAIN_MILLIS = 1_000;

    private final int maxBytes;
    private final BodyBudget budget;
    private GatewayRequest reading;
    private CompositeByteBuf body;
    private long budgeted;

    ReadBody(int maxBytes, BodyBudget budget) {
        this.maxBytes = maxBytes;
        this.budget = budget;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof GatewayRequest r && r.route == Route.CHAT) {
            start(ctx, r);
            return;
        }
        if (msg instanceof HttpContent c && reading != null) {
            content(ctx, c);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void start(ChannelHandlerContext ctx, GatewayRequest r) {
        long declared = HttpUtil.getContentLength(r.head, -1L);
        if (declared > maxBytes) {
            tooLarge(ctx, r);
            return;
        }
        long want = declared >= 0 ? declared : 0;
        if (!budget.tryTake(want)) {
            refuse(ctx, r, GatewayError.SERVER_BUSY.response());
            return;
        }
        reading = r;
        budgeted = want;
        body = ctx.alloc().compositeBuffer(64);
        if (HttpUtil.is100ContinueExpected(r.head)) {
            ctx.writeAndFlush(CONTINUE.retainedDuplicate());
        }
        if (r.bodyDone) {
            return; // already here: the last part follows in this same read
        }
        ctx.read();
    }

    private void content(ChannelHandlerContext ctx, HttpContent c) {
        GatewayRequest r = reading;
        int n = c.content().readableBytes();
        if (body.readableBytes() + n > maxBytes) {
            c.release();
            discard();
            tooLarge(ctx, r);
            return;
        }
        long more = body.readableBytes() + n - budgeted;
        if (more > 0) {
            if (!budget.tryTake(more)) {
                c.release();
                discard();
                refuse(ctx, r, GatewayError.SERVER_BUSY.response());
                return;
            }
            budgeted += more;
        }
        if (n > 0) {
            body.addComponent(true, c.content().retain());
        }
        boolean last = c instanceof LastHttpContent;
        c.release();
        if (!last) {
            ctx.read();
            return;
        }
        r.body = body;
        r.bodyBudget = budgeted;
        r.budget = budget;
        reading = null;
        body = null;
        budgeted = 0;
        ctx.fireChannelRead(r);
    }

    /**
     * 413. Closing while the client still sends makes the kernel answer with a reset that can destroy
     * the answer before the client reads it, so the rest is read (and dropped by the router) for a
     * moment before the connection closes.
     */
    private void tooLarge(ChannelHandlerContext ctx, GatewayRequest r) {
        // no "Connection: close": the keep-alive step would close at once, and the scheduled close does it
        FullHttpResponse answer = GatewayError.BODY_TOO_LARGE.response("The request body is larger than " + maxBytes + " bytes.");
        r.drainThenClose = true;
        refuse(ctx, r, answer);
        ctx.channel().config().setAutoRead(true);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, DRAIN_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void refuse(ChannelHandlerContext ctx, GatewayRequest r, FullHttpResponse answer) {
        r.refused = true;
        reading = null;
        ctx.writeAndFlush(answer);
    }

    private void discard() {
        if (body != null) {
            body.release();
            body = null;
        }
        budget.give(budgeted);
        budgeted = 0;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (reading != null) {
            discard();
            reading = null;
        }
        super.channelInactive(ctx);
    }
}
