package ai.dexto.gateway.dataplane.relay;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/** What an upstream connection tells the exchange using it, on the connection's event loop. */
interface OriginListener {
    void onHead(HttpResponse head);

    /** A part of the body; the listener owns (and releases) it. */
    void onContent(HttpContent content);

    /** The end of one read batch: the moment to flush what was relayed and ask for more. */
    void onReadComplete();

    void onClosed();
}
