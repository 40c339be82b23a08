package ai.dexto.gateway.dataplane.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream connection: hands what it reads to the exchange using the connection
 * or, while the connection idles in its pool, drops the connection on any read, close or idle timeout.
 */
final class OriginReceiver extends ChannelInboundHandlerAdapter {
    static final AttributeKey<UpstreamPool> POOL = AttributeKey.valueOf("dexto.upstreamPool");

    private OriginListener listener;

    void bind(OriginListener l) {
        listener = l;
    }

    void unbind() {
        listener = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        OriginListener l = listener;
        if (l == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse head) {
            l.onHead(head);
        }
        if (msg instanceof HttpContent content) {
            l.onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        OriginListener l = listener;
        if (l != null) {
            l.onReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        OriginListener l = listener;
        listener = null;
        UpstreamPool pool = ctx.channel().attr(POOL).get();
        if (pool != null) {
            pool.remove(ctx.channel());
        }
        if (l != null) {
            l.onClosed();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && listener == null) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
