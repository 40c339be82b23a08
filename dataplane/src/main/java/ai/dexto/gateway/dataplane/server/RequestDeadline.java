package ai.dexto.gateway.dataplane.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Guards against slow clients (slowloris): once the first byte of a request arrives, the whole
 * request must arrive within the deadline, else a 408 is written and the connection closed. Sits
 * before the HTTP codec so it measures raw bytes; the router calls {@link #requestComplete()}.
 */
public final class RequestDeadline extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> deadline;
    private boolean waiting = true;

    public RequestDeadline(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (waiting && deadline == null) {
            deadline = ctx.executor().schedule(this::expired, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    /** The whole request arrived: stop the clock until the next one starts. */
    public void requestComplete() {
        waiting = false;
        cancel();
    }

    /** The answer is out; the next bytes start a new request. */
    public void awaitNext() {
        waiting = true;
    }

    private void expired() {
        deadline = null;
        if (waiting && ctx.channel().isActive()) {
            ctx.writeAndFlush(HttpErrors.raw(408, "Request Timeout", "invalid_request_error", "request_timeout",
                    "The request was not received in time.")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }
}
