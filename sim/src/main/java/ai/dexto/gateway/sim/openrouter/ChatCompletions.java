package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.SimConfig;
import ai.dexto.gateway.sim.fault.Fault;
import ai.dexto.gateway.sim.fault.FaultInjector;
import ai.dexto.gateway.sim.http.Responses;
import ai.dexto.gateway.sim.provisioning.ProvisionedKey;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/v1/chat/completions} once the key is known: validates the body, decides the answer
 * (size, pacing, faults, BYOK) from the configuration and the request's {@code X-Sim-*} headers, and
 * hands it to a {@link StreamedAnswer} or {@link CompleteAnswer}.
 */
public final class ChatCompletions {
    static final String KEY_LIMIT_MESSAGE =
            "Key limit exceeded (total limit). Manage it using https://openrouter.ai/settings/keys";

    private final SimConfig config;
    private final ModelCatalogue models;
    private final Generations generations;
    private final FaultInjector faults;

    public ChatCompletions(SimConfig config, ModelCatalogue models, Generations generations, FaultInjector faults) {
        this.config = config;
        this.models = models;
        this.generations = generations;
        this.faults = faults;
    }

    public void handle(ChannelHandlerContext ctx, FullHttpRequest request, ProvisionedKey key) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (key.limitReached()) {
            Responses.send(ctx, keepAlive, OpenRouterErrors.error(403, KEY_LIMIT_MESSAGE));
            return;
        }
        ChatCall call;
        try {
            ChatRequest chat = ChatRequest.parse(request.content());
            Model model = find(chat.model());
            if (model == null) {
                Responses.send(ctx, keepAlive, OpenRouterErrors.error(400, chat.model() + " is not a valid model ID"));
                return;
            }
            Fault fault = faults.forRequest(request.headers().get("X-Sim-Fault"));
            if (fault.fallback() && !chat.fallbacks().isEmpty()) {
                // the primary "failed": OpenRouter moves on down the models list; here straight to its last
                model = find(chat.fallbacks().get(chat.fallbacks().size() - 1));
                if (model == null) {
                    Responses.send(ctx, keepAlive, OpenRouterErrors.error(400, "a fallback is not a valid model ID"));
                    return;
                }
            }
            if (chat.maxPrice() != null && !chat.maxPrice().allows(model)) {
                Responses.send(ctx, keepAlive, OpenRouterErrors.error(404,
                        "No endpoints found that satisfy the price limits of provider.max_price"));
                return;
            }
            call = decide(request.headers(), fault, chat, model, key, keepAlive);
        } catch (IllegalArgumentException e) {
            Responses.send(ctx, keepAlive, OpenRouterErrors.error(400, e.getMessage()));
            return;
        }
        if (call.fault().delaysHeaders()) {
            ctx.executor().schedule(() -> answer(ctx, call), call.fault().delayHeadersMs(), TimeUnit.MILLISECONDS);
        } else {
            answer(ctx, call);
        }
    }

    private void answer(ChannelHandlerContext ctx, ChatCall call) {
        if (!ctx.channel().isActive()) {
            return;
        }
        int status = call.fault().status();
        if (status > 0) {
            Responses.send(ctx, call.keepAlive(), OpenRouterErrors.error(status, OpenRouterErrors.messageFor(status)));
        } else if (call.stream()) {
            new StreamedAnswer(ctx, call, generations).start();
        } else {
            new CompleteAnswer(ctx, call, generations).start();
        }
    }

    /** A model by id; OpenRouter's routing suffixes ({@code :online}, {@code :nitro}, {@code :floor}) name the same model. */
    private Model find(String id) {
        Model m = models.find(id);
        int colon = id.lastIndexOf(':');
        if (m == null && colon > 0) {
            String suffix = id.substring(colon + 1);
            if (suffix.equals("online") || suffix.equals("nitro") || suffix.equals("floor")) {
                m = models.find(id.substring(0, colon));
            }
        }
        return m;
    }

    private ChatCall decide(HttpHeaders headers, Fault fault, ChatRequest chat, Model model, ProvisionedKey key,
                            boolean keepAlive) {
        int answerTokens = intHeader(headers, "X-Sim-Answer-Tokens", config.answerTokens());
        boolean truncated = chat.maxTokens() >= 0 && chat.maxTokens() < answerTokens;
        int completionTokens = truncated ? chat.maxTokens() : answerTokens;
        boolean byok = config.byok() || "true".equalsIgnoreCase(headers.get("X-Sim-Byok"));
        long created = System.currentTimeMillis() / 1000;
        return new ChatCall(ChatCall.newId(created), created, System.nanoTime(), key, model, chat.promptTokens(model),
                completionTokens, truncated, chat.stream(), chat.usageRequested(), byok, fault,
                intHeader(headers, "X-Sim-TTFT-Ms", config.timeToFirstTokenMillis()),
                intHeader(headers, "X-Sim-Inter-Token-Ms", config.interTokenMillis()), keepAlive,
                new Extras(chat.images(), chat.webResults(), config.webResultPrice()));
    }

    private static int intHeader(HttpHeaders headers, String name, long fallback) {
        String value = headers.get(name);
        if (value == null) {
            return (int) fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) {
                throw new IllegalArgumentException(name + " must be >= 0");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer");
        }
    }
}
