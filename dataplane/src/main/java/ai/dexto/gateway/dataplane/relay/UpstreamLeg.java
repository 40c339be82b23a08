package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * An exchange's upstream connection: taken from the loop's pool (one retry), written once, read one
 * batch at a time (the client's pace), then given back if the upstream keeps it alive, else closed.
 * Failures count against the route's circuit breaker under the asking user.
 */
final class UpstreamLeg {
    private static final int MAX_ATTEMPTS = 2;

    private final UpstreamClient upstreams;
    private final EventLoop loop;
    private final CircuitBreaker breaker;
    private final GatewayMetrics metrics;
    private final String userId;
    private Channel channel;
    private int attempts;
    private boolean keepAlive;
    private boolean readOutstanding;

    UpstreamLeg(UpstreamClient upstreams, EventLoop loop, CircuitBreaker breaker, GatewayMetrics metrics, String userId) {
        this.upstreams = upstreams;
        this.loop = loop;
        this.breaker = breaker;
        this.metrics = metrics;
        this.userId = userId;
    }

    /** False while the route's breaker is open. */
    boolean admitted() {
        return breaker.allowRequest(System.nanoTime());
    }

    void connect(ChannelFutureListener connected) {
        attempts++;
        upstreams.acquire(loop).addListener(connected);
    }

    boolean mayRetry() {
        return attempts < MAX_ATTEMPTS;
    }

    /** A healed upstream key earns a fresh pair of attempts. */
    void resetAttempts() {
        attempts = 0;
    }

    /** A connection that arrived after the exchange stopped wanting it. */
    void giveBack(Channel ch) {
        upstreams.release(loop, ch);
    }

    /** Binds {@code ch} to {@code listener}, writes the request and, once written, runs {@code written}. */
    void send(Channel ch, OriginListener listener, ChatCall call, Runnable written) {
        channel = ch;
        ch.pipeline().get(OriginReceiver.class).bind(listener);
        ch.writeAndFlush(UpstreamRequest.of(upstreams.target(), call)).addListener((ChannelFuture w) -> {
            if (w.isSuccess() && w.channel() == channel) {
                written.run();
            } else if (!w.isSuccess()) {
                w.channel().close();
            }
        });
    }

    void head(HttpResponse head) {
        keepAlive = HttpUtil.isKeepAlive(head);
        int status = head.status().code();
        if (status >= 500) {
            failed("status_" + status);
        } else if (status < 400) {
            breaker.onSuccess();
        }
    }

    /** Something arrived: the outstanding read is answered. */
    void answered() {
        readOutstanding = false;
    }

    boolean readOutstanding() {
        return readOutstanding;
    }

    boolean connected() {
        return channel != null;
    }

    /** Asks for the next batch; true if this starts a new wait for the upstream. */
    boolean read() {
        Channel ch = channel;
        if (ch == null) {
            return false;
        }
        boolean started = !readOutstanding;
        readOutstanding = true;
        ch.read();
        return started;
    }

    /** The upstream closed the connection itself. */
    void lost() {
        channel = null;
    }

    /** The whole answer arrived: the connection goes back to the pool if the upstream keeps it alive. */
    void ended() {
        Channel ch = detach();
        if (ch != null) {
            if (keepAlive) {
                upstreams.release(loop, ch);
            } else {
                ch.close();
            }
        }
    }

    void close() {
        Channel ch = detach();
        if (ch != null) {
            ch.close();
        }
    }

    void failed(String kind) {
        breaker.onFailure(userId, System.nanoTime());
        metrics.upstreamError(kind);
    }

    private Channel detach() {
        Channel ch = channel;
        channel = null;
        if (ch != null) {
            ch.pipeline().get(OriginReceiver.class).unbind();
        }
        return ch;
    }
}
