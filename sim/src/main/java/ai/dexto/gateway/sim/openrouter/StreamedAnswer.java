package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.http.Responses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One streamed answer, driven on its channel's event loop: headers and the processing comment at once,
 * then one {@code data:} event per token (paced by the event loop's scheduler when the call asks for
 * delays, else written in one go and flushed once as a single HTTP chunk), the finishing event, the
 * usage event when usage accounting was asked for, and {@code [DONE]}. If the connection closes first,
 * what was sent is settled as a cancelled generation, as OpenRouter bills aborted streams.
 */
final class StreamedAnswer implements Runnable {
    private static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream");
    private static final byte[] PROCESSING = ": OPENROUTER PROCESSING\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final long PROCESSING_INTERVAL_MILLIS = 1000;
    /** A 20-token answer with its usage chunk fits; longer ones grow the buffer. */
    private static final int BATCH_BYTES = 8192;
    private static final byte[] TOKEN_SUFFIX =
            "\"},\"finish_reason\":null,\"native_finish_reason\":null,\"logprobs\":null}]}\n\n"
                    .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ChannelHandlerContext ctx;
    private final ChatCall call;
    private final Generations generations;
    private final byte[] tokenPrefix;
    private final ChannelFutureListener onClose = future -> abort();
    /** Events written since the last flush, sent as one HTTP chunk: one token per SSE event, not per syscall. */
    private ByteBuf pending;
    private int sent;
    private boolean malformedSent;
    private boolean settled;

    StreamedAnswer(ChannelHandlerContext ctx, ChatCall call, Generations generations) {
        this.ctx = ctx;
        this.call = call;
        this.generations = generations;
        this.tokenPrefix = ("data: {\"id\":\"" + call.id() + "\",\"provider\":\"" + call.model().provider()
                + "\",\"model\":\"" + call.model().id() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                + call.created() + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"")
                .getBytes(StandardCharsets.UTF_8);
    }

    void start() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set(ChatCall.GENERATION_ID_HEADER, call.id());
        HttpUtil.setKeepAlive(response, call.keepAlive());
        ctx.write(response);
        out().writeBytes(PROCESSING);
        ctx.channel().closeFuture().addListener(onClose);
        if (call.ttftMillis() > 0) {
            flush();
            for (long at = PROCESSING_INTERVAL_MILLIS; at < call.ttftMillis(); at += PROCESSING_INTERVAL_MILLIS) {
                ctx.executor().schedule(this::processing, at, TimeUnit.MILLISECONDS);
            }
            ctx.executor().schedule(this, call.ttftMillis(), TimeUnit.MILLISECONDS);
        } else {
            run();
        }
    }

    /** While the first token is awaited OpenRouter repeats its comment, which keeps proxies from timing out. */
    private void processing() {
        if (!settled && sent == 0 && ctx.channel().isActive()) {
            out().writeBytes(PROCESSING);
            flush();
        }
    }

    /** Emits tokens until the answer ends, a fault stops it, or the next token is due later. */
    @Override
    public void run() {
        if (settled || !ctx.channel().isActive()) {
            return;
        }
        while (true) {
            if (call.fault().resetAfter() == sent) {
                flush();
                reset();
                return;
            }
            if (call.fault().stallAfter() == sent) {
                flush();
                return;
            }
            if (call.fault().malformedAfter() == sent && !malformedSent) {
                malformedSent = true;
                out().writeCharSequence("data: {\"id\":\"" + call.id() + "\",\"object\":\"chat.completion.chunk\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"broken\n\n", StandardCharsets.UTF_8);
            }
            if (sent == call.completionTokens()) {
                finish();
                return;
            }
            writeToken(sent++);
            if (call.interTokenMillis() > 0 && sent < call.completionTokens()) {
                flush();
                ctx.executor().schedule(this, call.interTokenMillis(), TimeUnit.MILLISECONDS);
                return;
            }
        }
    }

    private void writeToken(int index) {
        out().writeBytes(tokenPrefix).writeBytes(AnswerText.tokenBytes(index)).writeBytes(TOKEN_SUFFIX);
    }

    private ByteBuf out() {
        if (pending == null) {
            pending = ctx.alloc().directBuffer(BATCH_BYTES);
        }
        return pending;
    }

    private void flush() {
        if (pending != null) {
            ctx.write(new DefaultHttpContent(pending));
            pending = null;
        }
        ctx.flush();
    }

    private void finish() {
        settled = true;
        ctx.channel().closeFuture().removeListener(onClose);
        Usage usage = generations.settle(call, sent, false, call.finishReason());
        writeEvent(chunk(List.of(finalChoice()), null));
        if (call.usageInAnswer()) {
            writeEvent(chunk(List.of(), usage.toJson(true)));
        }
        out().writeBytes(DONE);
        ByteBuf last = pending;
        pending = null;
        ctx.writeAndFlush(new DefaultLastHttpContent(last));
    }

    /** The client (or a reset fault) closed the connection before the end: bill what was generated. */
    private void abort() {
        if (!settled) {
            settled = true;
            generations.settle(call, sent, true, null);
        }
    }

    private void reset() {
        // SO_LINGER 0 turns the close into a TCP RST, which is what a crashed upstream looks like.
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        ctx.channel().close();
    }

    private Map<String, Object> chunk(List<Object> choices, Map<String, Object> usage) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", call.id());
        json.put("provider", call.model().provider());
        json.put("model", call.model().id());
        json.put("object", "chat.completion.chunk");
        json.put("created", call.created());
        json.put("choices", choices);
        if (usage != null) {
            json.put("usage", usage);
        }
        return json;
    }

    private Map<String, Object> finalChoice() {
        Map<String, Object> delta = new LinkedHashMap<>();
        delta.put("role", "assistant");
        delta.put("content", "");
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("finish_reason", call.finishReason());
        choice.put("native_finish_reason", call.finishReason());
        choice.put("logprobs", null);
        return choice;
    }

    private void writeEvent(Map<String, Object> json) {
        out().writeBytes(DATA).writeBytes(Responses.toBytes(json)).writeBytes(END_OF_EVENT);
    }

}
