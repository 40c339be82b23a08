package ai.dexto.gateway.dataplane.front;

import ai.dexto.gateway.dataplane.http.GatewayError;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client's time limits, measured on raw bytes (this handler sits before the HTTP codec), in the
 * phases of one request:
 * <ul>
 *   <li>{@code IDLE}: connected or kept alive, no byte of the next request yet — closed silently after
 *       the idle limit (a shorter one for a new connection that never sent anything);</li>
 *   <li>{@code HEADERS}: the first byte arrived — the request line and headers must follow within the
 *       header limit, else 408 and close;</li>
 *   <li>{@code BODY}: headers decoded — the body must arrive within the body limit, else 408 and close;</li>
 *   <li>{@code ANSWERING}: the request is whole; the relay owns the connection's time (write stall,
 *       upstream timeouts) until the answer is out, then the phase is {@code IDLE} again.</li>
 * </ul>
 * Slow-loris clients therefore hold a connection for bounded time whatever they send. The request
 * router reports the phase changes ({@link #headersReceived}, {@link #requestReceived}, {@link #answered}).
 */
public final class ClientDeadlines extends ChannelDuplexHandler {
    enum Phase { IDLE, HEADERS, BODY, ANSWERING }

    private final long newConnectionNanos;
    private final long idleNanos;
    private final long headerNanos;
    private final long bodyNanos;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private Phase phase = Phase.IDLE;

    public ClientDeadlines(long newConnectionNanos, long idleNanos, long headerNanos, long bodyNanos) {
        this.newConnectionNanos = newConnectionNanos;
        this.idleNanos = idleNanos;
        this.headerNanos = headerNanos;
        this.bodyNanos = bodyNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(newConnectionNanos);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.IDLE) {
            phase = Phase.HEADERS;
            arm(headerNanos);
        }
        ctx.fireChannelRead(msg);
    }

    /** The request line and headers are decoded: the body's clock starts. */
    public void headersReceived() {
        if (phase == Phase.HEADERS) {
            phase = Phase.BODY;
            arm(bodyNanos);
        }
    }

    /** The whole request arrived: no client deadline runs while it is answered. */
    public void requestReceived() {
        phase = Phase.ANSWERING;
        cancel();
    }

    /** The answer is out: wait for the next request. */
    public void answered() {
        phase = Phase.IDLE;
        if (ctx.channel().isActive()) {
            arm(idleNanos);
        }
    }

    private void arm(long nanos) {
        cancel();
        timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
    }

    private void expired() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        switch (phase) {
            case IDLE -> ctx.close();
            case HEADERS, BODY -> ctx.writeAndFlush(GatewayError.REQUEST_TIMEOUT.raw())
                    .addListener(ChannelFutureListener.CLOSE);
            case ANSWERING -> { }
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }
}
