package ai.dexto.gateway.sim.stripe;

import ai.dexto.gateway.sim.http.Responses;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the Stripe side: the API ({@code /v1/checkout/sessions…}, secret-key auth), the hosted
 * payment page ({@code /pay/{id}}) and the test controls ({@code /sim/…}). Stateless; the state lives
 * in {@link Checkout}.
 */
@ChannelHandler.Sharable
final class StripeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(StripeHandler.class);
    private static final String SESSIONS = "/v1/checkout/sessions";

    private final StripeSim stripe;
    private final Checkout checkout;
    private final SimControls controls;

    StripeHandler(StripeSim stripe, Checkout checkout, WebhookSender webhooks) {
        this.stripe = stripe;
        this.checkout = checkout;
        this.controls = new SimControls(stripe, checkout, webhooks);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        try {
            if (path.startsWith("/v1/")) {
                FullHttpResponse response = api(request, path);
                response.headers()
                        .set("Request-Id", StripeIds.next("req_", 14))
                        .set("Stripe-Version", StripeSim.API_VERSION);
                Responses.send(ctx, request, response);
            } else if (path.startsWith("/pay/")) {
                Responses.send(ctx, request, PayPage.handle(checkout, request.method(), path.substring(5)));
            } else if (path.startsWith("/sim/")) {
                controls.handle(ctx, request, uri);
            } else {
                Responses.send(ctx, request, StripeErrors.invalidRequest(404,
                        "Unrecognized request URL (" + request.method() + ": " + path + ").", null, null));
            }
        } catch (StripeErrors.Failure failure) {
            Responses.send(ctx, request, failure.toResponse());
        } catch (IllegalArgumentException e) {
            // e.g. a form body with broken percent-encoding: Stripe answers 400, not a dropped connection
            Responses.send(ctx, request, StripeErrors.invalidRequest(400, "Invalid request: " + e.getMessage(),
                    null, null));
        }
    }

    private FullHttpResponse api(FullHttpRequest request, String path) {
        FullHttpResponse denied = authenticate(request);
        if (denied != null) {
            return denied;
        }
        HttpMethod method = request.method();
        if (path.equals(SESSIONS) && HttpMethod.POST.equals(method)) {
            String idempotencyKey = request.headers().get("Idempotency-Key");
            Checkout.Created created = checkout.create(
                    FormParams.parse(request.content().toString(StandardCharsets.UTF_8)), idempotencyKey);
            FullHttpResponse response = Responses.json(HttpResponseStatus.OK, created.body());
            if (idempotencyKey != null) {
                response.headers().set("Idempotency-Key", idempotencyKey);
                if (created.replayed()) {
                    response.headers().set("Idempotent-Replayed", "true");
                }
            }
            return response;
        }
        if (path.startsWith(SESSIONS + "/")) {
            String rest = path.substring(SESSIONS.length() + 1);
            if (HttpMethod.GET.equals(method) && rest.indexOf('/') < 0) {
                return Responses.json(HttpResponseStatus.OK, checkout.get(rest));
            }
            if (HttpMethod.POST.equals(method) && rest.endsWith("/expire")) {
                return Responses.json(HttpResponseStatus.OK, checkout.expire(rest.substring(0, rest.length() - 7)));
            }
        }
        return StripeErrors.invalidRequest(404, "Unrecognized request URL (" + method + ": " + path + ").", null, null);
    }

    /** Bearer (the SDKs) or Basic with the key as user name (curl -u), like Stripe accepts. */
    private FullHttpResponse authenticate(FullHttpRequest request) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || authorization.isBlank()) {
            return StripeErrors.invalidRequest(401, "You did not provide an API key. You need to provide your API "
                    + "key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
                    + "YOUR_SECRET_KEY').", null, null);
        }
        String key = null;
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String user = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                key = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
            } catch (IllegalArgumentException e) {
                key = null;
            }
        }
        if (key == null || !key.equals(stripe.secretKey())) {
            String shown = key == null || key.length() < 4 ? "****" : "****" + key.substring(key.length() - 4);
            return StripeErrors.invalidRequest(401, "Invalid API Key provided: " + shown, null, null);
        }
        return null;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection error: {}", cause.toString());
        ctx.close();
    }
}
