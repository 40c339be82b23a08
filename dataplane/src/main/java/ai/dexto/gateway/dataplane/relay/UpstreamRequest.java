package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.dataplane.http.TraceContext;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;

/** The request the upstream gets for a chat call: its body, the user's upstream key, and nothing of the client's own. */
final class UpstreamRequest {
    static final AsciiString GENERATION_ID = AsciiString.cached("x-generation-id");
    private static final HttpHeadersFactory OWN_HEADERS = DefaultHttpHeadersFactory.headersFactory()
            .withNameValidation(false);
    private static final HttpHeadersFactory OWN_TRAILERS = DefaultHttpHeadersFactory.trailersFactory()
            .withNameValidation(false);
    private static final AsciiString TITLE = AsciiString.cached("x-title");
    private static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
    private static final AsciiString TITLE_VALUE = AsciiString.cached("Dexto Gateway");

    private UpstreamRequest() {
    }

    /** A new request each attempt (the body is retained per attempt, so a retry can send it again). */
    static FullHttpRequest of(UpstreamTarget target, ChatCall call) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, target.chatPath(),
                call.body().retainedDuplicate(), OWN_HEADERS, OWN_TRAILERS);
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.HOST, target.hostHeader())
                .set(HttpHeaderNames.AUTHORIZATION, "Bearer " + call.account().upstreamKey())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCEPT, call.stream() ? ClientAnswer.EVENT_STREAM : HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, call.body().readableBytes())
                .set(TITLE, TITLE_VALUE)
                .set(TRACEPARENT, TraceContext.child(call.traceId()));
        if (call.forwardHeaders() != null) {
            h.add(call.forwardHeaders());
        }
        return r;
    }
}
