package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.dataplane.account.UserAccount;
import ai.dexto.gateway.dataplane.chat.ChatBody;
import ai.dexto.gateway.dataplane.chat.UpstreamBody;
import ai.dexto.gateway.dataplane.credit.ChatPrice;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.credit.Settler;
import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.relay.ExchangeRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * Step "reserve": a chat may run only if its usage is sure to be journaled (room admitted in the
 * journal, else 503 and the node is unready) and the user can pay its worst case. The worst case is
 * priced by {@link CreditPolicy}; without a client {@code max_tokens} the largest the balance
 * affords is injected. The amount is reserved against the spendable balance in one CAS (402 when it
 * does not fit), and the upstream body is built with the gateway's members spliced in.
 */
@ChannelHandler.Sharable
final class ReserveCredit extends ChannelInboundHandlerAdapter {
    private final CreditPolicy credit;
    private final Settler settler;
    private final ExchangeRegistry exchanges;
    private final GatewayMetrics metrics;
    private final String topUpUrl;

    ReserveCredit(CreditPolicy credit, Settler settler, ExchangeRegistry exchanges, GatewayMetrics metrics,
                  String topUpUrl) {
        this.credit = credit;
        this.settler = settler;
        this.exchanges = exchanges;
        this.metrics = metrics;
        this.topUpUrl = topUpUrl;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof GatewayRequest r) || r.route != Route.CHAT) {
            ctx.fireChannelRead(msg);
            return;
        }
        UserAccount account = r.account;
        if (exchanges.stopping()) {
            refuse(ctx, r, GatewayError.SHUTTING_DOWN.response(), "1");
            return;
        }
        if (account.upstreamKey() == null) {
            refuse(ctx, r, GatewayError.ACCOUNT_NOT_READY.response(), "5");
            return;
        }
        if (!settler.admit()) {
            metrics.journalRefusal();
            refuse(ctx, r, GatewayError.JOURNAL_UNAVAILABLE.response(), "1");
            return;
        }
        ChatBody chat = r.chat;
        // the prompt is the client's messages: never more tokens than the client's body has bytes (the
        // members the splice adds are parameters, not prompt)
        ChatPrice price = new ChatPrice(r.body.readableBytes(), chat.hasMedia(),
                chat.images(), chat.webSearches(), chat.webResults());
        long inject = 0;
        long reserved = 0;
        long after = Long.MIN_VALUE;
        for (int attempt = 0; attempt < 4 && after == Long.MIN_VALUE; attempt++) {
            long maxTokens = chat.maxTokens();
            if (maxTokens < 0) {
                inject = credit.affordableTokens(r.models, price, account.spendable());
                if (inject < 1) {
                    break;
                }
                maxTokens = inject;
            }
            reserved = credit.worstCase(r.models, price, maxTokens);
            after = account.tryReserve(reserved);
            if (chat.maxTokens() >= 0) {
                break; // a balance that moved under an injected figure is worth a retry; a fixed one is not
            }
        }
        if (after == Long.MIN_VALUE) {
            settler.unadmit();
            metrics.insufficientCredits();
            refuse(ctx, r, GatewayError.INSUFFICIENT_CREDITS.response("Insufficient credits: your balance is $"
                    + Money.format(Math.max(0, account.spendable())) + ", not enough for this request. Top up at "
                    + topUpUrl), null);
            return;
        }
        ByteBuf upstream;
        try {
            upstream = UpstreamBody.build(ctx.alloc(), r.body, chat, inject, r.models);
        } catch (RuntimeException e) {
            account.release(reserved);
            settler.unadmit();
            throw e;
        }
        r.reservedNanos = reserved;
        r.spendableAfter = after;
        r.upstreamBody = upstream;
        ctx.fireChannelRead(r);
    }

    private static void refuse(ChannelHandlerContext ctx, GatewayRequest r, FullHttpResponse answer, String retryAfter) {
        r.refused = true;
        if (retryAfter != null) {
            answer.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        ctx.writeAndFlush(answer);
    }
}
