package ai.dexto.gateway.dataplane.relay;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * Last handler of an upstream connection: hands what it reads to the {@link ChatExchange} using the
 * connection, or, while the connection idles in its pool, drops the connection on any read, close
 * or idle timeout.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    static final AttributeKey<UpstreamPool> POOL = AttributeKey.valueOf("dexto.upstreamPool");

    private ChatExchange exchange;

    void bind(ChatExchange e) {
        exchange = e;
    }

    void unbind() {
        exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ChatExchange e = exchange;
        if (e == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        e.onUpstreamMessage(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ChatExchange e = exchange;
        if (e != null) {
            e.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ChatExchange e = exchange;
        exchange = null;
        UpstreamPool pool = ctx.channel().attr(POOL).get();
        if (pool != null) {
            pool.remove(ctx.channel());
        }
        if (e != null) {
            e.onUpstreamClosed();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && exchange == null) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
