package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.http.Responses;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One non-streamed answer: the whole {@code chat.completion} after the time the tokens would take to
 * generate. Stream faults map onto it as the closest equivalent: reset closes without an answer,
 * stall never answers, malformed sends a truncated body.
 */
final class CompleteAnswer implements Runnable {
    private final ChannelHandlerContext ctx;
    private final ChatCall call;
    private final Generations generations;
    private final ChannelFutureListener onClose = future -> abort();
    private boolean settled;

    CompleteAnswer(ChannelHandlerContext ctx, ChatCall call, Generations generations) {
        this.ctx = ctx;
        this.call = call;
        this.generations = generations;
    }

    void start() {
        ctx.channel().closeFuture().addListener(onClose);
        if (call.fault().stallAfter() >= 0) {
            return;
        }
        long generationMillis = call.ttftMillis() + call.interTokenMillis() * Math.max(0, call.completionTokens() - 1);
        if (generationMillis > 0) {
            ctx.executor().schedule(this, generationMillis, TimeUnit.MILLISECONDS);
        } else {
            run();
        }
    }

    @Override
    public void run() {
        if (settled || !ctx.channel().isActive()) {
            return;
        }
        if (call.fault().resetAfter() >= 0) {
            // the upstream failed before it answered: a failed request is not billed
            settled = true;
            ctx.channel().closeFuture().removeListener(onClose);
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.channel().close();
            return;
        }
        settled = true;
        ctx.channel().closeFuture().removeListener(onClose);
        Usage usage = generations.settle(call, call.completionTokens(), false, call.finishReason());
        byte[] body = Responses.toBytes(completion(usage));
        FullHttpResponse response = call.fault().malformedAfter() >= 0
                ? Responses.of(HttpResponseStatus.OK, Responses.JSON, Unpooled.wrappedBuffer(body, 0, body.length / 2))
                : Responses.json(HttpResponseStatus.OK, body);
        response.headers().set(ChatCall.GENERATION_ID_HEADER, call.id());
        Responses.send(ctx, call.keepAlive(), response);
    }

    private void abort() {
        if (!settled) {
            settled = true;
            generations.settle(call, 0, true, null);
        }
    }

    private Map<String, Object> completion(Usage usage) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", "assistant");
        message.put("content", AnswerText.answer(call.completionTokens()));
        message.put("refusal", null);
        message.put("reasoning", null);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("logprobs", null);
        choice.put("finish_reason", call.finishReason());
        choice.put("native_finish_reason", call.finishReason());
        choice.put("index", 0);
        choice.put("message", message);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", call.id());
        json.put("provider", call.model().provider());
        json.put("model", call.model().id());
        json.put("object", "chat.completion");
        json.put("created", call.created());
        json.put("choices", List.of(choice));
        if (!call.fault().noUsage()) {
            json.put("usage", usage.toJson(call.usageRequested()));
        }
        return json;
    }
}
