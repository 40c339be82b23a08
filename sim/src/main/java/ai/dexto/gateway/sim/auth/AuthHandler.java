package ai.dexto.gateway.sim.auth;

import ai.dexto.gateway.sim.http.Responses;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes {@code /auth/v1/*} (Supabase Auth, behind the project's API gateway: an {@code apikey} is
 * required except for the JWKS and CORS preflights) and the test controls {@code /sim/auth/*}. It sits
 * in front of the OpenRouter router on the same listener and lets every other path through. Requests
 * run on a small executor, never on the event loop: a password hash costs a few hundred milliseconds
 * by design, and chat streams share these event loops.
 */
@ChannelHandler.Sharable
final class AuthHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PREFIX = "/auth/v1";
    static final String CONTROLS = "/sim/auth";
    private static final Logger log = LoggerFactory.getLogger(AuthHandler.class);
    private static final String ALLOWED_HEADERS =
            "apikey, authorization, content-type, x-client-info, x-supabase-api-version";

    private final AuthApi api;
    private final byte[] anonKey;
    private final ExecutorService executor;

    AuthHandler(AuthApi api, String anonKey, ExecutorService executor) {
        super(false); // released after the executor ran, not when channelRead0 returns
        this.api = api;
        this.anonKey = anonKey.getBytes(StandardCharsets.UTF_8);
        this.executor = executor;
    }

    @Override
    public boolean acceptInboundMessage(Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            return false;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        return path.equals(PREFIX) || path.startsWith(PREFIX + "/") || path.startsWith(CONTROLS + "/");
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        try {
            executor.execute(() -> {
                try {
                    Responses.send(ctx, keepAlive, withCors(respond(request)));
                } catch (RuntimeException e) {
                    log.warn("auth request failed: {}", e.toString());
                    Responses.send(ctx, false, withCors(new AuthErrors.Failure(500, "unexpected_failure",
                            "Unexpected failure, please check server logs for more information").toResponse(false)));
                } finally {
                    request.release();
                }
            });
        } catch (RejectedExecutionException e) {
            request.release();
            Responses.send(ctx, false, new AuthErrors.Failure(503, "unexpected_failure", "Auth is stopping")
                    .toResponse(false));
        }
    }

    private FullHttpResponse respond(FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.path();
        HttpMethod method = request.method();
        boolean versioned = "2024-01-01".equals(request.headers().get(AuthErrors.API_VERSION_HEADER));
        if (HttpMethod.OPTIONS.equals(method)) {
            FullHttpResponse preflight = Responses.json(HttpResponseStatus.NO_CONTENT, new byte[0]);
            preflight.headers().remove(HttpHeaderNames.CONTENT_TYPE);
            return preflight;
        }
        if (path.equals(PREFIX + "/.well-known/jwks.json") && HttpMethod.GET.equals(method)) {
            return Responses.json(HttpResponseStatus.OK, api.jwks());
        }
        if (path.startsWith(CONTROLS + "/")) {
            return control(path, method);
        }
        FullHttpResponse refused = checkApiKey(request.headers(), uri);
        if (refused != null) {
            return refused;
        }
        try {
            FullHttpResponse response = route(path, method, uri, request);
            if (versioned) {
                response.headers().set(AuthErrors.API_VERSION_HEADER, "2024-01-01");
            }
            return response;
        } catch (AuthErrors.Failure failure) {
            FullHttpResponse response = failure.toResponse(versioned);
            if (versioned) {
                response.headers().set(AuthErrors.API_VERSION_HEADER, "2024-01-01");
            }
            return response;
        }
    }

    private FullHttpResponse route(String path, HttpMethod method, QueryStringDecoder uri, FullHttpRequest request) {
        if (path.equals(PREFIX + "/health") && HttpMethod.GET.equals(method)) {
            return Responses.json(HttpResponseStatus.OK, Map.of("version", "sim", "name", "GoTrue",
                    "description", "GoTrue is a user registration and authentication API (simulated)"));
        }
        if (path.equals(PREFIX + "/signup") && HttpMethod.POST.equals(method)) {
            JsonNode body = body(request);
            return Responses.json(HttpResponseStatus.OK, api.signup(text(body, "email"), text(body, "password")));
        }
        if (path.equals(PREFIX + "/token") && HttpMethod.POST.equals(method)) {
            String grant = first(uri, "grant_type");
            JsonNode body = body(request);
            if ("password".equals(grant)) {
                return Responses.json(HttpResponseStatus.OK,
                        api.passwordGrant(text(body, "email"), text(body, "password")));
            }
            if ("refresh_token".equals(grant)) {
                return Responses.json(HttpResponseStatus.OK, api.refreshGrant(text(body, "refresh_token")));
            }
            throw AuthErrors.badRequest("validation_failed", "unsupported_grant_type");
        }
        if (path.equals(PREFIX + "/user") && HttpMethod.GET.equals(method)) {
            return Responses.json(HttpResponseStatus.OK, api.user(bearer(request.headers())));
        }
        if (path.equals(PREFIX + "/logout") && HttpMethod.POST.equals(method)) {
            api.logout(bearer(request.headers()), first(uri, "scope"));
            FullHttpResponse done = Responses.json(HttpResponseStatus.NO_CONTENT, new byte[0]);
            done.headers().remove(HttpHeaderNames.CONTENT_TYPE);
            return done;
        }
        throw new AuthErrors.Failure(404, "not_found", "Not Found");
    }

    /** {@code POST /sim/auth/keys/rotate} and {@code POST /sim/auth/keys/{kid}/revoke}: key rotation drills. */
    private FullHttpResponse control(String path, HttpMethod method) {
        if (HttpMethod.POST.equals(method) && path.equals(CONTROLS + "/keys/rotate")) {
            return Responses.json(HttpResponseStatus.OK, Map.of("kid", api.rotateSigningKey()));
        }
        String keys = CONTROLS + "/keys/";
        if (HttpMethod.POST.equals(method) && path.startsWith(keys) && path.endsWith("/revoke")) {
            String kid = path.substring(keys.length(), path.length() - "/revoke".length());
            boolean revoked = api.revokeSigningKey(kid);
            return Responses.json(revoked ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND,
                    Map.of("kid", kid, "revoked", revoked));
        }
        return new AuthErrors.Failure(404, "not_found", "Not Found").toResponse(false);
    }

    private FullHttpResponse checkApiKey(HttpHeaders headers, QueryStringDecoder uri) {
        String given = headers.get("apikey");
        if (given == null) {
            given = first(uri, "apikey");
        }
        if (given == null || given.isEmpty()) {
            return AuthErrors.apiKey("No API key found in request",
                    "No `apikey` request header or url param was found.");
        }
        if (!MessageDigest.isEqual(anonKey, given.getBytes(StandardCharsets.UTF_8))) {
            return AuthErrors.apiKey("Invalid API key", "Double check your Supabase `anon` or `service_role` API key.");
        }
        return null;
    }

    private static FullHttpResponse withCors(FullHttpResponse response) {
        response.headers()
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, DELETE, OPTIONS")
                .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "3600");
        return response;
    }

    private static JsonNode body(FullHttpRequest request) {
        if (request.content().readableBytes() == 0) {
            return Responses.MAPPER.createObjectNode();
        }
        try (InputStream in = new ByteBufInputStream(request.content().duplicate())) {
            JsonNode node = Responses.MAPPER.readTree(in);
            if (node == null || !node.isObject()) {
                throw AuthErrors.badRequest("bad_json", "Could not parse request body as JSON: expected an object");
            }
            return node;
        } catch (IOException e) {
            throw AuthErrors.badRequest("bad_json", "Could not parse request body as JSON");
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String first(QueryStringDecoder uri, String name) {
        List<String> values = uri.parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String bearer(HttpHeaders headers) {
        String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }
}
