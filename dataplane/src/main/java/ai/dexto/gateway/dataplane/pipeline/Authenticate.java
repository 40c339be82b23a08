package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.dataplane.auth.AuthResult;
import ai.dexto.gateway.dataplane.auth.Authenticator;
import ai.dexto.gateway.dataplane.auth.KeyEntry;
import ai.dexto.gateway.dataplane.auth.KeyVerifier;
import ai.dexto.gateway.dataplane.http.GatewayError;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.ratelimit.AddressBuckets;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Step "auth": who is calling, from the {@code Authorization} header alone — before a byte of the
 * body is read or buffered. A cache hit costs a hash and a map probe. Everything that has no user to
 * charge is charged to the client's address instead: a refused key, and a cache miss (which asks the
 * control plane); when the address's bucket is empty the answer is 429 without any work. While a miss
 * is being asked about, nothing more of the request is read; what the same read already brought waits
 * here. {@code /keys/validate} always goes on to its answer ({@code {"valid":false}} is not an error).
 */
final class Authenticate extends ChannelInboundHandlerAdapter {
    private final KeyVerifier keys;
    private final AddressBuckets unauthenticated;
    private final GatewayMetrics metrics;
    private final ArrayDeque<Object> held = new ArrayDeque<>(2);
    private GatewayRequest asking;

    Authenticate(KeyVerifier keys, AddressBuckets unauthenticated, GatewayMetrics metrics) {
        this.keys = keys;
        this.unauthenticated = unauthenticated;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (asking != null) {
            held.add(msg);
            return;
        }
        if (msg instanceof GatewayRequest r && (r.route == Route.CHAT || r.route == Route.VALIDATE)) {
            check(ctx, r);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private void check(ChannelHandlerContext ctx, GatewayRequest r) {
        Authenticator.Scratch s = keys.scratch();
        AuthResult result = keys.fromCache(r.head.headers().get(HttpHeaderNames.AUTHORIZATION), s);
        if (result == AuthResult.MISS) {
            metrics.keyLookup("miss");
            long wait = unauthenticated.acquire(r.client, System.nanoTime());
            if (wait > 0) {
                refuse(ctx, r, GatewayError.UNAUTHENTICATED_LIMIT, wait);
                return;
            }
            asking = r;
            keys.ask(s, r.traceId(), ctx.executor(), (answer, entry) -> answered(ctx, r, answer, entry));
            return;
        }
        metrics.keyLookup(result == AuthResult.UNKNOWN ? "negative" : "hit");
        decided(ctx, r, result, s.entry());
    }

    private void answered(ChannelHandlerContext ctx, GatewayRequest r, AuthResult result, KeyEntry entry) {
        asking = null;
        if (!ctx.channel().isActive()) {
            releaseHeld();
            return;
        }
        decided(ctx, r, result, entry);
        Object o;
        while (asking == null && (o = held.poll()) != null) {
            channelRead(ctx, o);
        }
    }

    private void decided(ChannelHandlerContext ctx, GatewayRequest r, AuthResult result, KeyEntry entry) {
        r.auth = result;
        if (result == AuthResult.OK) {
            r.account = entry.account();
            r.keyId = entry.keyId();
            ctx.fireChannelRead(r);
            return;
        }
        if (result != AuthResult.MISS) {
            long wait = unauthenticated.acquire(r.client, System.nanoTime());
            if (wait > 0) {
                refuse(ctx, r, GatewayError.UNAUTHENTICATED_LIMIT, wait);
                return;
            }
        }
        if (r.route == Route.VALIDATE && result != AuthResult.MISS) {
            ctx.fireChannelRead(r);
            return;
        }
        refuse(ctx, r, switch (result) {
            case MISSING -> GatewayError.MISSING_KEY;
            case REVOKED -> GatewayError.REVOKED_KEY;
            case MISS -> GatewayError.AUTH_UNAVAILABLE;
            default -> GatewayError.INVALID_KEY;
        }, 0);
    }

    private void refuse(ChannelHandlerContext ctx, GatewayRequest r, GatewayError e, long waitNanos) {
        r.refused = true;
        releaseHeld();
        FullHttpResponse answer = e.response();
        if (e.status == 429) {
            metrics.rateLimited("address");
            answer.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(AddressBuckets.retryAfterSeconds(waitNanos)));
        }
        ctx.writeAndFlush(answer);
    }

    private void releaseHeld() {
        Object o;
        while ((o = held.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseHeld();
        super.channelInactive(ctx);
    }
}
