package ai.dexto.gateway.dataplane.server;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.RequestIds;
import ai.dexto.gateway.dataplane.auth.AuthResult;
import ai.dexto.gateway.dataplane.auth.KeyEntry;
import ai.dexto.gateway.dataplane.credit.ChatBody;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.credit.UserAccount;
import ai.dexto.gateway.dataplane.models.ModelCatalog;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.ratelimit.RateLimitDecision;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import ai.dexto.gateway.dataplane.relay.ChatExchange;
import ai.dexto.gateway.dataplane.relay.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Map;

/**
 * {@code POST /v1/chat/completions}, steps 1–5 of the request lifecycle: global bucket, key, user
 * bucket, body (parse + validate + rewrite), credit reservation; then a {@link ChatExchange} relays.
 * Every answer of this route carries the {@code x-ratelimit-*} headers.
 */
public final class ChatRoute {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ChatRoute.class);
    static final AsciiString LIMIT = AsciiString.cached("x-ratelimit-limit-requests");
    static final AsciiString REMAINING = AsciiString.cached("x-ratelimit-remaining-requests");
    static final AsciiString RESET = AsciiString.cached("x-ratelimit-reset-requests");
    static final AsciiString SESSION = AsciiString.cached("x-dexto-session-id");
    /** Bytes the rewrite may add ({@code usage}, {@code max_tokens}): part of the prompt's upper bound. */
    static final int REWRITE_ALLOWANCE = 64;

    private final KeyCheck keys;
    private final RateLimiter limiter;
    private final ModelCatalog models;
    private final CreditPolicy credit;
    private final Relay relay;
    private final GatewayMetrics metrics;
    private final String topUpUrl;
    private final boolean forwardSimHeaders;

    public ChatRoute(KeyCheck keys, RateLimiter limiter, ModelCatalog models, Relay relay, GatewayMetrics metrics,
                     String topUpUrl, boolean forwardSimHeaders) {
        this.keys = keys;
        this.limiter = limiter;
        this.models = models;
        this.credit = relay.credit();
        this.relay = relay;
        this.metrics = metrics;
        this.topUpUrl = topUpUrl;
        this.forwardSimHeaders = forwardSimHeaders;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request, RequestRouter router) {
        long receivedNanos = System.nanoTime();
        RateLimitDecision d = router.decision;
        if (!limiter.acquireGlobal(receivedNanos, d)) {
            request.release();
            metrics.rateLimited("global");
            router.respond(tooMany(d, "The gateway is at capacity; retry shortly."));
            return;
        }
        keys.check(ctx, request.headers().get(HttpHeaderNames.AUTHORIZATION), (result, entry) -> {
            if (result != AuthResult.OK) {
                request.release();
                router.respond(refused(result, d));
                return;
            }
            try {
                authorized(ctx, request, router, entry, receivedNanos);
            } catch (RuntimeException e) {
                LOG.error("chat request failed", e);
                router.respond(withRate(HttpErrors.of(500, "server_error", "internal_error",
                        "The gateway failed on this request."), d));
            } finally {
                if (request.refCnt() > 0) {
                    request.release();
                }
            }
        });
    }

    private void authorized(ChannelHandlerContext ctx, FullHttpRequest request, RequestRouter router, KeyEntry entry,
                            long receivedNanos) {
        RateLimitDecision d = router.decision;
        UserAccount account = entry.account();
        router.userLogId = account.logId();
        if (!limiter.acquireUser(account.bucket(), System.nanoTime(), d)) {
            metrics.rateLimited("user");
            router.respond(tooMany(d, "Rate limit reached for your tier; retry after the Retry-After seconds."));
            return;
        }
        if (account.upstreamKey() == null) {
            router.respond(withRate(HttpErrors.of(503, "service_unavailable", "account_not_ready",
                    "Your account is still being set up; retry shortly."), d));
            return;
        }
        ChatBody body = new ChatBody();
        if (!body.read(request.content(), ctx.alloc())) {
            router.respond(withRate(HttpErrors.of(400, "invalid_request_error", "invalid_request_error",
                    body.error()), d));
            return;
        }
        if (!models.loaded()) {
            body.discard();
            FullHttpResponse r = HttpErrors.of(503, "service_unavailable", "models_unavailable",
                    "The model list is not loaded yet; retry shortly.");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
            router.respond(withRate(r, d));
            return;
        }
        ModelInfo model = models.find(body.model());
        if (model == null) {
            body.discard();
            router.respond(withRate(HttpErrors.of(404, "invalid_request_error", "model_not_found",
                    "The model '" + truncate(body.model()) + "' does not exist."), d));
            return;
        }
        long promptBound = (long) request.content().readableBytes() + REWRITE_ALLOWANCE;
        long inject = 0;
        long reserved = 0;
        long after = Long.MIN_VALUE;
        for (int attempt = 0; attempt < 4 && after == Long.MIN_VALUE; attempt++) {
            long maxTokens = body.maxTokens();
            if (maxTokens < 0) {
                inject = credit.affordableTokens(model, promptBound, account.spendable());
                if (inject < 1) {
                    break;
                }
                maxTokens = inject;
            }
            reserved = credit.worstCase(model, promptBound, maxTokens);
            after = account.tryReserve(reserved);
            if (body.maxTokens() >= 0) {
                break;
            }
        }
        if (after == Long.MIN_VALUE) {
            body.discard();
            metrics.insufficientCredits();
            router.respond(withRate(HttpErrors.of(402, "insufficient_credits", "insufficient_credits",
                    "Insufficient credits: your balance is $" + Money.format(Math.max(0, account.spendable()))
                            + ", not enough for this request. Top up at " + topUpUrl), d));
            return;
        }
        ByteBuf upstreamBody = body.finish(inject);
        HttpHeaders rate = new DefaultHttpHeaders();
        rateHeaders(rate, d);
        long hi = RequestIds.newHigh(System.currentTimeMillis());
        long lo = RequestIds.newLow();
        ChatExchange exchange = new ChatExchange(relay, ctx, router, account, entry.keyId(), model, upstreamBody,
                body.stream(), reserved, after, hi, lo, RequestIds.format(hi, lo),
                request.headers().get(SESSION), receivedNanos, simHeaders(request.headers()), rate);
        router.startExchange(exchange);
    }

    private HttpHeaders simHeaders(HttpHeaders in) {
        if (!forwardSimHeaders) {
            return null;
        }
        HttpHeaders out = null;
        for (Map.Entry<String, String> h : in) {
            if (h.getKey().regionMatches(true, 0, "x-sim-", 0, 6)) {
                if (out == null) {
                    out = new DefaultHttpHeaders();
                }
                out.add(h.getKey(), h.getValue());
            }
        }
        return out;
    }

    private FullHttpResponse refused(AuthResult result, RateLimitDecision d) {
        FullHttpResponse r = switch (result) {
            case MISSING -> HttpErrors.of(401, "invalid_request_error", "invalid_api_key",
                    "Missing API key: send Authorization: Bearer dxt_...");
            case REVOKED -> HttpErrors.of(401, "invalid_request_error", "invalid_api_key", "This API key has been revoked.");
            case MISS -> HttpErrors.of(503, "service_unavailable", "auth_unavailable",
                    "Keys cannot be checked right now; retry shortly.");
            default -> HttpErrors.of(401, "invalid_request_error", "invalid_api_key", "Invalid API key.");
        };
        return withRate(r, d);
    }

    private FullHttpResponse tooMany(RateLimitDecision d, String message) {
        FullHttpResponse r = HttpErrors.of(429, "rate_limit_error", "rate_limit_exceeded", message);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(d.retryAfterSeconds));
        return withRate(r, d);
    }

    private static FullHttpResponse withRate(FullHttpResponse r, RateLimitDecision d) {
        rateHeaders(r.headers(), d);
        return r;
    }

    static void rateHeaders(HttpHeaders h, RateLimitDecision d) {
        h.set(LIMIT, Long.toString(d.limitPerMinute));
        h.set(REMAINING, Long.toString(d.remaining));
        h.set(RESET, d.resetMillis + "ms");
    }

    private static String truncate(String s) {
        return s.length() > 100 ? s.substring(0, 100) : s;
    }
}
