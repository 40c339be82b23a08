package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.dataplane.auth.KeyVerifier;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.credit.Settler;
import ai.dexto.gateway.dataplane.forward.ControlPlaneConnections;
import ai.dexto.gateway.dataplane.front.ClientDeadlines;
import ai.dexto.gateway.dataplane.front.ClientGate;
import ai.dexto.gateway.dataplane.models.ModelCatalog;
import ai.dexto.gateway.dataplane.ops.AccessLog;
import ai.dexto.gateway.dataplane.ops.GatewayMetrics;
import ai.dexto.gateway.dataplane.ratelimit.AddressBuckets;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import ai.dexto.gateway.dataplane.relay.ChatExchanges;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;

/**
 * A client connection's pipeline, which is the data plane's request path (DESIGN.md, "Data plane
 * request lifecycle"), one named handler per step:
 * <pre>
 *  gate → [tls] → deadlines → codec → keepAlive → router
 *       → auth → limit → body → decode → reserve → relay      (POST /v1/chat/completions)
 *       → models | validate | account                         (GET /v1/models, /keys/validate, account paths)
 * </pre>
 * {@code gate} caps connections (total and per address), {@code deadlines} bounds the time to send a
 * request, {@code router} makes each request a {@link GatewayRequest} that the steps fill in;
 * settlement happens in the relay's exchange, through the credit code, when the answer ends.
 */
public final class GatewayInitializer extends ChannelInitializer<Channel> {
    /** What every connection's steps share (one instance per gateway). */
    public record Steps(ClientGate gate, ClientLimits limits, SslContext ssl, KeyVerifier keys,
                        AddressBuckets unauthenticated, RateLimiter limiter, AddressBuckets validations,
                        AddressBuckets accountCalls, BodyBudget bodies, ModelCatalog models, CreditPolicy credit,
                        Settler settler, ChatExchanges exchanges, ControlPlaneConnections controlPlane,
                        GatewayMetrics metrics, AccessLog accessLog, String topUpUrl, boolean forwardSimHeaders) {
    }

    /**
     * A client's limits, in nanos and bytes.
     *
     * @param newConnection time a new connection may stay silent
     * @param idle          time a kept-alive connection may wait for its next request
     */
    public record ClientLimits(long newConnection, long idle, long headers, long body, int maxHeaderBytes,
                               int maxBodyBytes, int maxAccountBodyBytes, long accountTimeout) {
    }

    private final Steps s;
    private final RateLimit limit;
    private final DecodeChat decode;
    private final ReserveCredit reserve;
    private final ServeModels models;
    private final ValidateKey validate = new ValidateKey();

    public GatewayInitializer(Steps steps) {
        this.s = steps;
        this.limit = new RateLimit(steps.limiter(), steps.validations(), steps.accountCalls(), steps.metrics());
        this.decode = new DecodeChat(steps.models());
        this.reserve = new ReserveCredit(steps.credit(), steps.settler(), steps.exchanges().registry(), steps.metrics(),
                steps.topUpUrl());
        this.models = new ServeModels(steps.models());
    }

    @Override
    protected void initChannel(Channel ch) {
        ClientLimits l = s.limits();
        ChannelPipeline p = ch.pipeline();
        p.addLast("gate", s.gate());
        if (s.ssl() != null) {
            p.addLast("tls", s.ssl().newHandler(ch.alloc()));
        }
        p.addLast("deadlines", new ClientDeadlines(l.newConnection(), l.idle(), l.headers(), l.body()));
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(l.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true)
                .setStrictLineParsing(true)));
        p.addLast("keepAlive", new HttpServerKeepAliveHandler());
        p.addLast("router", new RequestRouter(s.metrics(), s.accessLog()));
        p.addLast("auth", new Authenticate(s.keys(), s.unauthenticated(), s.metrics()));
        p.addLast("limit", limit);
        p.addLast("body", new ReadBody(l.maxBodyBytes(), s.bodies()));
        p.addLast("decode", decode);
        p.addLast("reserve", reserve);
        p.addLast("relay", new RelayChat(s.exchanges(), s.settler(), s.forwardSimHeaders()));
        p.addLast("models", models);
        p.addLast("validate", validate);
        p.addLast("account", new ForwardAccount(s.controlPlane(), l.maxAccountBodyBytes(), l.accountTimeout(),
                s.ssl() != null));
    }
}
