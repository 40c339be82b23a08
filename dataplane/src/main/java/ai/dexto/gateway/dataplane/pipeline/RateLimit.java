package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.ratelimit.AddressBuckets;
import ai.dexto.gateway.dataplane.ratelimit.RateLimitDecision;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * Step "limit": a chat takes a token from its user's bucket (the tier's size, this node's share),
 * then one from the node's global bucket — only now, so traffic without a valid key can never empty
 * the bucket paying customers share. Key validation and account calls take one from their client
 * address's bucket. Refusals are 429 with {@code Retry-After}; every chat answer carries the
 * {@code x-ratelimit-*} headers of the decision (the router adds them).
 */
@ChannelHandler.Sharable
final class RateLimit extends ChannelInboundHandlerAdapter {
    private final RateLimiter limiter;
    private final AddressBuckets validations;
    private final AddressBuckets accountCalls;
    private final GatewayMetrics metrics;

    RateLimit(RateLimiter limiter, AddressBuckets validations, AddressBuckets accountCalls, GatewayMetrics metrics) {
        this.limiter = limiter;
        this.validations = validations;
        this.accountCalls = accountCalls;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof GatewayRequest r)) {
            ctx.fireChannelRead(msg);
            return;
        }
        long now = System.nanoTime();
        switch (r.route) {
            case CHAT -> {
                RateLimitDecision d = new RateLimitDecision();
                r.rate = d;
                if (!limiter.acquireUser(r.account.bucket(), now, d)) {
                    refuse(ctx, r, GatewayError.RATE_LIMITED, d.retryAfterSeconds, "user");
                    return;
                }
                if (!limiter.acquireGlobal(now, d)) {
                    refuse(ctx, r, GatewayError.AT_CAPACITY, d.retryAfterSeconds, "global");
                    return;
                }
            }
            case VALIDATE, ACCOUNT -> {
                long wait = (r.route == Route.VALIDATE ? validations : accountCalls).acquire(r.client, now);
                if (wait > 0) {
                    refuse(ctx, r, GatewayError.UNAUTHENTICATED_LIMIT, AddressBuckets.retryAfterSeconds(wait), "address");
                    return;
                }
            }
            default -> { }
        }
        ctx.fireChannelRead(r);
    }

    private void refuse(ChannelHandlerContext ctx, GatewayRequest r, GatewayError e, long retryAfter, String scope) {
        r.refused = true;
        metrics.rateLimited(scope);
        FullHttpResponse answer = e.response();
        answer.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, retryAfter)));
        ctx.writeAndFlush(answer);
    }
}
