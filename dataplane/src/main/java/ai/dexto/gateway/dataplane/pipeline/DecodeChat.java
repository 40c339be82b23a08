package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.dataplane.chat.ChatBody;
import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.models.ModelCatalog;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.ArrayList;
import java.util.List;

/**
 * Step "decode": the chat body, read once and strictly ({@link ChatBody}): invalid JSON, duplicate
 * keys, invalid UTF-8 and unpriced cost-changing parameters are 400; a model (or fallback) the
 * upstream does not list is 404. OpenRouter's routing suffixes are understood: {@code :online} adds
 * web search to the price, {@code :nitro} and {@code :floor} only choose among providers.
 */
@ChannelHandler.Sharable
final class DecodeChat extends ChannelInboundHandlerAdapter {
    private final ModelCatalog models;

    DecodeChat(ModelCatalog models) {
        this.models = models;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof GatewayRequest r) || r.route != Route.CHAT) {
            ctx.fireChannelRead(msg);
            return;
        }
        ChatBody chat = new ChatBody();
        if (!chat.read(r.body)) {
            refuse(ctx, r, (chat.unsupported() ? GatewayError.UNSUPPORTED_PARAMETER : GatewayError.INVALID_REQUEST)
                    .response(chat.error()));
            return;
        }
        if (!models.loaded()) {
            FullHttpResponse answer = GatewayError.MODELS_UNAVAILABLE.response();
            answer.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
            refuse(ctx, r, answer);
            return;
        }
        List<ModelInfo> priced = new ArrayList<>(1 + chat.fallbacks().size());
        if (!resolve(chat, chat.model(), priced, ctx, r)) {
            return;
        }
        for (String fallback : chat.fallbacks()) {
            if (!resolve(chat, fallback, priced, ctx, r)) {
                return;
            }
        }
        r.chat = chat;
        r.model = priced.get(0);
        r.models = priced;
        ctx.fireChannelRead(r);
    }

    private boolean resolve(ChatBody chat, String id, List<ModelInfo> into, ChannelHandlerContext ctx, GatewayRequest r) {
        String base = id;
        int colon = id.lastIndexOf(':');
        if (colon > 0) {
            String suffix = id.substring(colon + 1);
            if (suffix.equals("online") || suffix.equals("nitro") || suffix.equals("floor")) {
                base = id.substring(0, colon);
                if (suffix.equals("online")) {
                    chat.onlineModel();
                }
            }
        }
        ModelInfo m = models.find(base);
        if (m == null) {
            m = models.find(id);
        }
        if (m == null) {
            refuse(ctx, r, GatewayError.MODEL_NOT_FOUND.response("The model '" + RequestRouter.truncate(id, 100)
                    + "' does not exist."));
            return false;
        }
        into.add(m);
        return true;
    }

    private static void refuse(ChannelHandlerContext ctx, GatewayRequest r, FullHttpResponse answer) {
        r.refused = true;
        ctx.writeAndFlush(answer);
    }
}
