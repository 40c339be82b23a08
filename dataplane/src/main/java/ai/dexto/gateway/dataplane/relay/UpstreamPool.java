package ai.dexto.gateway.dataplane.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;

/**
 * Keep-alive upstream connections of one event loop. Only that loop touches it, so it needs no
 * locks: a request's upstream channel lives on its inbound channel's loop and its bytes never cross
 * threads. Idle connections read so a close by the upstream is noticed and they leave the pool.
 */
public final class UpstreamPool {
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final Bootstrap bootstrap;
    private final UpstreamTarget target;
    private final int maxIdle;

    UpstreamPool(Bootstrap template, EventLoop loop, UpstreamTarget target, int maxIdle) {
        this.bootstrap = template.clone(loop);
        this.bootstrap.attr(OriginReceiver.POOL, this);
        this.target = target;
        this.maxIdle = maxIdle;
    }

    /** A pooled live connection, else a new one. */
    public ChannelFuture acquire() {
        Channel ch;
        while ((ch = idle.pollLast()) != null) {
            if (ch.isActive()) {
                return ch.newSucceededFuture();
            }
        }
        return bootstrap.connect(target.host(), target.port());
    }

    void release(Channel ch) {
        if (ch.isActive() && idle.size() < maxIdle) {
            idle.addLast(ch);
            ch.read();
        } else {
            ch.close();
        }
    }

    void remove(Channel ch) {
        idle.remove(ch);
    }

    public int idleCount() {
        return idle.size();
    }
}
