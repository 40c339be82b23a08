package ai.dexto.gateway.dataplane.forward;

import ai.dexto.gateway.dataplane.http.GatewayError;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * One account call (provisioning, device login, keys, usage, checkout, Stripe's webhook) forwarded
 * to the control plane's public API as it is, both ways streamed with backpressure: the body goes on
 * as it arrives (at most {@code maxBodyBytes}), the answer comes back as it is produced (a large CSV
 * export never sits in memory). Hop-by-hop headers are dropped and {@code X-Forwarded-*} added.
 */
public final class AccountForwarder implements ControlPlaneConnections.Listener {
    private final ControlPlaneConnections connections;
    private final ChannelHandlerContext client;
    private final long maxBodyBytes;
    private final long timeoutNanos;
    private Channel upstream;
    private long bodyBytes;
    private boolean headSent;
    private boolean done;
    private boolean keepAlive;
    private ScheduledFuture<?> timer;
    private final java.util.ArrayDeque<HttpObject> waiting = new java.util.ArrayDeque<>(2);

    public AccountForwarder(ControlPlaneConnections connections, ChannelHandlerContext client, long maxBodyBytes,
                     long timeoutNanos) {
        this.connections = connections;
        this.client = client;
        this.maxBodyBytes = maxBodyBytes;
        this.timeoutNanos = timeoutNanos;
    }

    /** Starts forwarding {@code head}; its body parts follow through {@link #content}. */
    public void start(HttpRequest head, InetAddress clientAddress, boolean tls, String requestId, String traceId) {
        HttpHeaders h = head.headers();
        String originalHost = h.get(HttpHeaderNames.HOST);
        HopByHop.strip(h);
        h.set("X-Dexto-Request-ID", requestId);
        h.set("traceparent", ai.dexto.gateway.dataplane.http.TraceContext.child(traceId));
        h.set(HttpHeaderNames.HOST, connections.hostHeader());
        h.add("X-Forwarded-For", clientAddress.getHostAddress());
        h.set("X-Forwarded-Proto", tls ? "https" : "http");
        if (originalHost != null) {
            h.set("X-Forwarded-Host", originalHost);
        }
        waiting.add(head);
        timer = client.executor().schedule(this::timedOut, timeoutNanos, TimeUnit.NANOSECONDS);
        connections.acquire(client.channel().eventLoop()).addListener((ChannelFuture f) -> connected(f));
    }

    private void connected(ChannelFuture f) {
        if (done) {
            if (f.isSuccess()) {
                connections.release(f.channel());
            }
            return;
        }
        if (!f.isSuccess()) {
            fail(GatewayError.CONTROL_PLANE_UNAVAILABLE);
            return;
        }
        upstream = f.channel();
        ControlPlaneConnections.receiver(upstream).listener = this;
        HttpObject o;
        while ((o = waiting.poll()) != null) {
            send(o);
        }
        upstream.read();
    }

    /** A part of the client's body. */
    public void content(HttpContent c) {
        if (done) {
            c.release(); // the call failed (or its client left): nothing will send or release it later
            return;
        }
        bodyBytes += c.content().readableBytes();
        if (bodyBytes > maxBodyBytes) {
            c.release();
            fail(GatewayError.BODY_TOO_LARGE);
            return;
        }
        if (upstream == null) {
            waiting.add(c);
            return;
        }
        send(c);
    }

    private void send(HttpObject o) {
        boolean last = o instanceof LastHttpContent;
        upstream.writeAndFlush(o).addListener((ChannelFuture w) -> {
            if (!w.isSuccess()) {
                fail(GatewayError.CONTROL_PLANE_UNAVAILABLE);
            } else if (!last) {
                client.read(); // the next part of the client's body, now that this one is out
            }
        });
    }

    @Override
    public void accept(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            keepAlive = HttpUtil.isKeepAlive(r);
            HopByHop.strip(r.headers());
            headSent = true;
            cancelTimer();
        }
        if (!(msg instanceof LastHttpContent)) {
            client.write(msg); // flushed at the end of the read batch
            return;
        }
        done = true;
        Channel ch = upstream;
        upstream = null;
        if (keepAlive) {
            connections.release(ch); // no read-complete reaches us after this: flush now
        } else {
            ch.close();
        }
        client.writeAndFlush(msg);
    }

    @Override
    public void readComplete() {
        if (done || upstream == null) {
            client.flush();
            return;
        }
        Channel ch = upstream;
        client.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener((ChannelFuture w) -> {
            if (w.isSuccess() && !done && ch.isActive()) {
                ch.read();
            } else if (!w.isSuccess()) {
                clientGone();
            }
        });
    }

    @Override
    public void closed() {
        upstream = null;
        if (!done) {
            fail(GatewayError.CONTROL_PLANE_UNAVAILABLE);
        }
    }

    private void timedOut() {
        timer = null;
        if (!headSent && !done) {
            fail(GatewayError.UPSTREAM_TIMEOUT);
        }
    }

    private void fail(GatewayError e) {
        if (!stop()) {
            return;
        }
        if (headSent) {
            client.close(); // the answer is half out: only a close tells the client it is incomplete
        } else {
            client.writeAndFlush(e == GatewayError.BODY_TOO_LARGE
                    ? e.response("The request body is larger than " + maxBodyBytes + " bytes.") : e.response())
                    .addListener(e == GatewayError.BODY_TOO_LARGE ? ChannelFutureListener.CLOSE : ChannelFutureListener.CLOSE_ON_FAILURE);
        }
    }

    /** The client left: the control plane's connection goes too (it may be mid-answer). */
    public void clientGone() {
        stop();
    }

    /** Ends the call once: the timer, the parts still waiting and the control plane's connection go; false if it had ended. */
    private boolean stop() {
        if (done) {
            return false;
        }
        done = true;
        cancelTimer();
        releaseWaiting();
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            ControlPlaneConnections.receiver(ch).listener = null;
            ch.close();
        }
        return true;
    }

    private void releaseWaiting() {
        HttpObject o;
        while ((o = waiting.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
