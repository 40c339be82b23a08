package ai.dexto.gateway.sim.stripe;

import ai.dexto.gateway.sim.http.Responses;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Stripe side's test controls under {@code /sim/}: finish a checkout without the page (paid or a
 * delayed method), settle a delayed payment, refund or dispute a paid session's charge and close the
 * dispute won or lost (what the dashboard and the bank do), list events with their delivery attempts,
 * redeliver an event as N parallel copies, and point webhooks elsewhere. No auth: this is a test double.
 */
final class SimControls {
    private static final String SESSIONS = "/sim/checkout/sessions/";
    private static final String EVENTS = "/sim/events";
    private static final String DISPUTES = "/sim/disputes/";

    private final StripeSim stripe;
    private final Checkout checkout;
    private final WebhookSender webhooks;

    SimControls(StripeSim stripe, Checkout checkout, WebhookSender webhooks) {
        this.stripe = stripe;
        this.checkout = checkout;
        this.webhooks = webhooks;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri) {
        String path = uri.path();
        HttpMethod method = request.method();
        if (HttpMethod.POST.equals(method) && path.startsWith(SESSIONS) && path.endsWith("/complete")) {
            String id = path.substring(SESSIONS.length(), path.length() - "/complete".length());
            boolean paid = !"unpaid".equals(param(uri, "payment_status", "paid"));
            StripeEvent event = checkout.complete(id, paid, !"false".equals(param(uri, "deliver", "true")));
            Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, event.payload));
        } else if (HttpMethod.POST.equals(method) && path.startsWith(SESSIONS) && path.endsWith("/async")) {
            String id = path.substring(SESSIONS.length(), path.length() - "/async".length());
            String result = param(uri, "result", "succeeded");
            if (!"succeeded".equals(result) && !"failed".equals(result)) {
                throw new StripeErrors.Failure(400, "result must be succeeded or failed", null, "result");
            }
            StripeEvent event = checkout.asyncResult(id, "succeeded".equals(result),
                    !"false".equals(param(uri, "deliver", "true")));
            Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, event.payload));
        } else if (HttpMethod.POST.equals(method) && path.startsWith(SESSIONS) && path.endsWith("/refund")) {
            String id = path.substring(SESSIONS.length(), path.length() - "/refund".length());
            String amount = param(uri, "amount", null);
            Long cents;
            try {
                cents = amount == null ? null : Long.valueOf(amount);
            } catch (NumberFormatException e) {
                throw new StripeErrors.Failure(400, "Invalid integer: " + amount, "parameter_invalid_integer", "amount");
            }
            StripeEvent event = checkout.refund(id, cents, deliver(uri));
            Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, event.payload));
        } else if (HttpMethod.POST.equals(method) && path.startsWith(SESSIONS) && path.endsWith("/dispute")) {
            String id = path.substring(SESSIONS.length(), path.length() - "/dispute".length());
            StripeEvent event = checkout.dispute(id, deliver(uri));
            Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, event.payload));
        } else if (HttpMethod.POST.equals(method) && path.startsWith(DISPUTES) && path.endsWith("/close")) {
            String id = path.substring(DISPUTES.length(), path.length() - "/close".length());
            String result = param(uri, "result", "");
            if (!"won".equals(result) && !"lost".equals(result)) {
                throw new StripeErrors.Failure(400, "result must be won or lost", null, "result");
            }
            StripeEvent event = checkout.closeDispute(id, "won".equals(result), deliver(uri));
            Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, event.payload));
        } else if (HttpMethod.GET.equals(method) && path.equals(EVENTS)) {
            Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, eventList()));
        } else if (HttpMethod.POST.equals(method) && path.startsWith(EVENTS + "/") && path.endsWith("/deliver")) {
            deliver(ctx, request, uri, path.substring(EVENTS.length() + 1, path.length() - "/deliver".length()));
        } else if (HttpMethod.POST.equals(method) && path.equals("/sim/config")) {
            Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, configure(request)));
        } else {
            Responses.send(ctx, request, StripeErrors.invalidRequest(404,
                    "Unrecognized request URL (" + method + ": " + path + ").", null, null));
        }
    }

    /** Answers once every copy got its response, with their statuses (-1: connection failed). */
    private void deliver(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, String eventId) {
        StripeEvent event = checkout.event(eventId);
        if (event == null) {
            throw new StripeErrors.Failure(404, "No such event: '" + eventId + "'", "resource_missing", "id");
        }
        if (stripe.webhookUrl() == null) {
            throw new StripeErrors.Failure(409, "No webhook_url configured (POST /sim/config).", null, null);
        }
        int copies;
        try {
            copies = Integer.parseInt(param(uri, "copies", "1"));
        } catch (NumberFormatException e) {
            copies = -1;
        }
        if (copies < 1 || copies > 100) {
            throw new StripeErrors.Failure(400, "copies must be 1..100", null, "copies");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        webhooks.deliver(event, copies).whenComplete((statuses, failure) -> ctx.executor().execute(() -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", event.id);
            json.put("statuses", failure == null ? statuses : List.of());
            Responses.send(ctx, keepAlive, Responses.json(HttpResponseStatus.OK, json));
        }));
    }

    private Map<String, Object> eventList() {
        List<Map<String, Object>> data = checkout.events().stream().map(event -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", event.id);
            json.put("type", event.type);
            json.put("created", event.created);
            json.put("session", event.sessionId);
            List<Map<String, Object>> attempts = event.attempts();
            json.put("delivered", attempts.stream().anyMatch(a -> a.get("status") instanceof Integer s && s / 100 == 2));
            json.put("attempts", attempts);
            json.put("event", readJson(event.payload));
            return json;
        }).toList();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("object", "list");
        json.put("data", data);
        return json;
    }

    private Map<String, Object> configure(FullHttpRequest request) {
        try (InputStream in = new ByteBufInputStream(request.content().duplicate())) {
            JsonNode body = Responses.MAPPER.readTree(in);
            if (body == null || !body.isObject()) {
                throw new StripeErrors.Failure(400, "body must be a JSON object", null, null);
            }
            String url = body.has("webhook_url") ? body.get("webhook_url").asText(null) : stripe.webhookUrl();
            String secret = body.hasNonNull("webhook_secret") ? body.get("webhook_secret").asText() : stripe.webhookSecret();
            stripe.setWebhook(url, secret);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("webhook_url", url);
            return json;
        } catch (IOException e) {
            throw new StripeErrors.Failure(400, "Invalid JSON body", null, null);
        }
    }

    private static JsonNode readJson(byte[] payload) {
        try {
            return Responses.MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new IllegalStateException("own payload is JSON", e);
        }
    }

    private static boolean deliver(QueryStringDecoder uri) {
        return !"false".equals(param(uri, "deliver", "true"));
    }

    private static String param(QueryStringDecoder uri, String name, String fallback) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }
}
