package ai.dexto.gateway.dataplane.relay;

import java.net.URI;

/** The upstream base URL split into what a connection and a request line need. */
public record UpstreamTarget(String baseUrl, boolean tls, String host, int port, String basePath, String hostHeader) {

    public static UpstreamTarget parse(String baseUrl) {
        URI uri = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        if (!tls && !"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("DEXTO_UPSTREAM_URL must be http or https: " + baseUrl);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        boolean defaultPort = uri.getPort() < 0;
        return new UpstreamTarget(uri.toString(), tls, uri.getHost(), port, path,
                defaultPort ? uri.getHost() : uri.getHost() + ":" + port);
    }

    public String chatPath() {
        return basePath + "/chat/completions";
    }
}
