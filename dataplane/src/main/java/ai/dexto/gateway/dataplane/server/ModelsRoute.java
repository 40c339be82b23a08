package ai.dexto.gateway.dataplane.server;

import ai.dexto.gateway.dataplane.models.ModelCatalog;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** {@code GET /v1/models}: public, the upstream's list from memory, cacheable, ETag and 304. */
public final class ModelsRoute {
    private static final String CACHE_CONTROL = "public, max-age=300";
    private final ModelCatalog catalog;

    public ModelsRoute(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    public FullHttpResponse answer(FullHttpRequest request) {
        String ifNoneMatch = request.headers().get(HttpHeaderNames.IF_NONE_MATCH);
        boolean head = HttpMethod.HEAD.equals(request.method());
        request.release();
        if (!catalog.loaded()) {
            FullHttpResponse r = HttpErrors.of(503, "service_unavailable", "models_unavailable",
                    "The model list is not loaded yet; retry shortly.");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
            return r;
        }
        ModelCatalog.Snapshot s = catalog.snapshot();
        if (ifNoneMatch != null && (ifNoneMatch.contains(s.etag()) || ifNoneMatch.trim().equals("*"))) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
            r.headers().set(HttpHeaderNames.ETAG, s.etag()).set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            return r;
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(s.body()));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, s.body().length)
                .set(HttpHeaderNames.ETAG, s.etag())
                .set(HttpHeaderNames.CACHE_CONTROL, CACHE_CONTROL);
        return r;
    }
}
