package ai.dexto.gateway.bench.load;

import java.net.URI;
import java.util.Map;

/**
 * One thing the harness drives: where to send, what to send. The same request bytes go to every
 * target of a run, so the only difference between "direct", "nginx" and "gateway" is what sits in
 * the middle.
 */
public record LoadTarget(String name, URI baseUri, String path, Map<String, String> headers, byte[] body,
                         boolean streamed) {

    public String host() {
        return baseUri.getHost();
    }

    public int port() {
        return baseUri.getPort();
    }
}
