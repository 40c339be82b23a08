package ai.dexto.gateway.dataplane.relay;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * The upstream's {@code GET /generation?id=} as {@link GenerationLookup} sees it, answered at once in
 * the calling thread: an {@code EmbeddedChannel}'s event loop is single-threaded, and a lookup
 * answered on another thread would post its continuation to it from there. Each generation id costs
 * what {@link #cost} says; an unknown one is a 404.
 */
final class CannedGenerations extends HttpClient {
    private final Map<String, String> costs = new ConcurrentHashMap<>();
    private final Map<String, Runnable> held = new ConcurrentHashMap<>();
    private final java.util.Set<String> holding = ConcurrentHashMap.newKeySet();
    final AtomicInteger asked = new AtomicInteger();

    /** Questions about {@code generationId} wait until {@link #answerHeld} (called on the test's thread). */
    void hold(String generationId) {
        holding.add(generationId);
    }

    /** Answers the questions held so far, in this thread. */
    void answerHeld() {
        holding.clear();
        for (String id : List.copyOf(held.keySet())) {
            held.remove(id).run();
        }
    }

    /** The upstream's record of {@code generationId}: {@code total_cost} as a decimal USD string. */
    void cost(String generationId, String usd) {
        costs.put(generationId, usd);
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        asked.incrementAndGet();
        String query = request.uri().getQuery();
        String id = query != null && query.startsWith("id=") ? query.substring(3) : "";
        String cost = costs.get(id);
        int status = cost == null ? 404 : 200;
        String body = cost == null ? "{\"error\":{\"message\":\"not found\"}}"
                : "{\"data\":{\"id\":\"" + id + "\",\"total_cost\":" + cost + "}}";
        if (holding.contains(id)) {
            CompletableFuture<HttpResponse<T>> later = new CompletableFuture<>();
            held.put(id, () -> later.complete(response(request, status, body, handler)));
            return later;
        }
        return CompletableFuture.completedFuture(response(request, status, body, handler));
    }

    private static <T> HttpResponse<T> response(HttpRequest request, int status, String body,
                                                HttpResponse.BodyHandler<T> handler) {
        HttpHeaders headers = HttpHeaders.of(Map.of("content-type", List.of("application/json")), (a, b) -> true);
        HttpResponse.BodySubscriber<T> subscriber = handler.apply(new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpHeaders headers() {
                return headers;
            }

            @Override
            public Version version() {
                return Version.HTTP_1_1;
            }
        });
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        subscriber.onNext(List.of(ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8))));
        subscriber.onComplete();
        T value = subscriber.getBody().toCompletableFuture().join();
        return new HttpResponse<>() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpRequest request() {
                return request;
            }

            @Override
            public Optional<HttpResponse<T>> previousResponse() {
                return Optional.empty();
            }

            @Override
            public HttpHeaders headers() {
                return headers;
            }

            @Override
            public T body() {
                return value;
            }

            @Override
            public Optional<SSLSession> sslSession() {
                return Optional.empty();
            }

            @Override
            public URI uri() {
                return request.uri();
            }

            @Override
            public Version version() {
                return Version.HTTP_1_1;
            }
        };
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
                                                            HttpResponse.PushPromiseHandler<T> push) {
        return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        return sendAsync(request, handler).join();
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
        return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
        return null;
    }

    @Override
    public SSLParameters sslParameters() {
        return new SSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return Optional.empty();
    }

    @Override
    public Version version() {
        return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
        return Optional.empty();
    }
}
