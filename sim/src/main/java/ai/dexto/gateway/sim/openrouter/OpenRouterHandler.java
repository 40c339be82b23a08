package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.SimConfig;
import ai.dexto.gateway.sim.fault.Fault;
import ai.dexto.gateway.sim.fault.FaultInjector;
import ai.dexto.gateway.sim.http.Responses;
import ai.dexto.gateway.sim.provisioning.KeysApi;
import ai.dexto.gateway.sim.provisioning.ProvisionedKey;
import ai.dexto.gateway.sim.provisioning.KeyStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the OpenRouter side: {@code /api/v1/models}, {@code /chat/completions}, {@code /keys},
 * {@code /key}, {@code /generation}, and the test control {@code /sim/faults}. Stateless, so one
 * instance serves every connection.
 */
@ChannelHandler.Sharable
public final class OpenRouterHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(OpenRouterHandler.class);
    private static final String API = "/api/v1";

    private final SimConfig config;
    private final ModelCatalogue models;
    private final KeyStore keys;
    private final KeysApi keysApi;
    private final Generations generations;
    private final FaultInjector faults;
    private final ChatCompletions chat;

    public OpenRouterHandler(SimConfig config, ModelCatalogue models, KeyStore keys, Generations generations,
                             FaultInjector faults) {
        this.config = config;
        this.models = models;
        this.keys = keys;
        this.keysApi = new KeysApi(keys);
        this.generations = generations;
        this.faults = faults;
        this.chat = new ChatCompletions(config, models, generations, faults);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            Responses.send(ctx, false, OpenRouterErrors.error(400, "Malformed HTTP request"));
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        HttpMethod method = request.method();
        if (path.equals(API + "/chat/completions") && HttpMethod.POST.equals(method)) {
            ProvisionedKey key = authenticate(ctx, request);
            if (key != null) {
                chat.handle(ctx, request, key);
            }
        } else if (path.equals(API + "/models") && HttpMethod.GET.equals(method)) {
            Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, models.modelsJson()));
        } else if (path.equals(API + "/keys") || path.startsWith(API + "/keys/")) {
            if (!("Bearer " + config.provisioningKey()).equals(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
                Responses.send(ctx, request, OpenRouterErrors.error(401, "Invalid provisioning key"));
                return;
            }
            String hash = path.length() > (API + "/keys/").length() ? path.substring((API + "/keys/").length()) : null;
            Responses.send(ctx, request, keysApi.handle(request, hash));
        } else if (path.equals(API + "/generation") && HttpMethod.GET.equals(method)) {
            generation(ctx, request);
        } else if (path.equals(API + "/key") && HttpMethod.GET.equals(method)) {
            currentKey(ctx, request);
        } else if (path.equals("/sim/faults") || path.equals(API + "/sim/faults")) {
            Responses.send(ctx, request, globalFault(request));
        } else {
            Responses.send(ctx, request, OpenRouterErrors.error(404, "Not Found"));
        }
    }

    /** The key a chat or stats request is made with; on failure the 401 is already sent. */
    private ProvisionedKey authenticate(ChannelHandlerContext ctx, FullHttpRequest request) {
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Responses.send(ctx, request, OpenRouterErrors.error(401, "No auth credentials found"));
            return null;
        }
        ProvisionedKey key = keys.findByPlaintext(authorization.substring(7).trim());
        if (key == null) {
            Responses.send(ctx, request, OpenRouterErrors.error(401, "User not found."));
            return null;
        }
        if (key.disabled()) {
            Responses.send(ctx, request, OpenRouterErrors.error(401, "API key is disabled"));
            return null;
        }
        return key;
    }

    private void generation(ChannelHandlerContext ctx, FullHttpRequest request) {
        ProvisionedKey key = authenticate(ctx, request);
        if (key == null) {
            return;
        }
        List<String> ids = new QueryStringDecoder(request.uri()).parameters().get("id");
        Generation generation = generations.find(ids == null || ids.isEmpty() ? null : ids.get(0));
        if (generation == null || !generation.keyHash().equals(key.hash())) {
            Responses.send(ctx, request, OpenRouterErrors.error(404, "Generation not found"));
            return;
        }
        Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, Map.of("data", generation.toJson())));
    }

    private void currentKey(ChannelHandlerContext ctx, FullHttpRequest request) {
        ProvisionedKey key = authenticate(ctx, request);
        if (key == null) {
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>(key.toJson());
        json.put("is_free_tier", false);
        Responses.send(ctx, request, Responses.json(HttpResponseStatus.OK, Map.of("data", json)));
    }

    private FullHttpResponse globalFault(FullHttpRequest request) {
        if (HttpMethod.DELETE.equals(request.method())) {
            faults.clear();
            return Responses.json(HttpResponseStatus.OK, Map.of("cleared", true));
        }
        if (!HttpMethod.POST.equals(request.method())) {
            return OpenRouterErrors.error(405, "Method not allowed");
        }
        try (InputStream in = new ByteBufInputStream(request.content().duplicate())) {
            JsonNode body = Responses.MAPPER.readTree(in);
            String spec = body == null ? null : body.path("fault").asText(null);
            int count = body == null ? 1 : body.path("count").asInt(1);
            Fault fault = Fault.parse(spec);
            faults.arm(fault, count);
            log.info("global fault armed: {} x{}", spec, count);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("fault", spec);
            json.put("count", count);
            return Responses.json(HttpResponseStatus.OK, json);
        } catch (IOException e) {
            return OpenRouterErrors.error(400, "Invalid JSON in request body");
        } catch (IllegalArgumentException e) {
            return OpenRouterErrors.error(400, e.getMessage());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection error: {}", cause.toString());
        ctx.close();
    }
}
