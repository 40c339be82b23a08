package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.dexto.gateway.common.money.Money;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;

/**
 * TLS on both sides: clients over https (BoringSSL), and an https upstream (a TLS-terminating relay
 * in front of the simulator) whose certificate is verified against its host name.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsIT {
    /** Deleted by JUnit after the test, with every journal under it. */
    @TempDir
    static Path scratch;

    Path dir;
    Path cert;
    Path key;
    EventLoopGroup group;
    Channel tlsFront;
    GatewayFixture plain;

    @BeforeAll
    void setUp() throws Exception {
        dir = Files.createTempDirectory(scratch, "dexto-tls-");
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl is needed to mint a test certificate");
        plain = GatewayFixture.start(b -> { });
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        tlsFront = tlsRelay(SslContextBuilder.forServer(cert.toFile(), key.toFile()).build(), plain.sim.openRouterPort());
    }

    @AfterAll
    void tearDown() {
        if (tlsFront != null) {
            tlsFront.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (plain != null) {
            plain.close();
        }
    }

    int frontPort() {
        return ((InetSocketAddress) tlsFront.localAddress()).getPort();
    }

    @Test
    void httpsUpstreamIsVerifiedAndRelayed() throws Exception {
        int port = frontPort();
        try (GatewayFixture f = GatewayFixture.start(b -> b.upstreamUrl("https://localhost:" + port + "/api/v1")
                .upstreamCaFile(cert))) {
            String k = f.addUser("user-tls", Money.ofUsd(1), "unlimited", plain.upstreamKey);
            assertTrue(f.gateway.models().loaded(), "models fetched over https with the configured CA");
            HttpResponse<String> r = f.chat(k, GatewayFixture.body(true, 5));
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(ChatRelayIT.COST_LINE.matcher(r.body()).find());
        }
    }

    @Test
    void upstreamWithTheWrongHostNameIsRefused() throws Exception {
        int port = frontPort();
        try (GatewayFixture f = GatewayFixture.start(b -> { })) {
            // Same certificate (CN=localhost) reached as 127.0.0.1: hostname verification must fail.
            try (Gateway g = Gateway.start(GatewayConfig.builder().port(0).opsPort(0).ioThreads(1)
                    .upstreamUrl("https://127.0.0.1:" + port + "/api/v1").upstreamCaFile(cert).startFeed(false)
                    .controlUrl("http://127.0.0.1:1").dataDir(f.dataDir.resolve("g2")).build())) {
                g.models().install(plain.get(plain.sim.openRouterBaseUrl() + "/models").body().getBytes());
                g.apply(new ai.dexto.gateway.common.feed.FeedSnapshot(1, GatewayFixture.TIERS, java.util.List.of(f.user("u", Money.ofUsd(1), "unlimited")),
                        java.util.List.of(new ai.dexto.gateway.common.feed.FeedKey(
                                ai.dexto.gateway.common.apikey.ApiKeys.hashHex(K), 1, "u", "active"))));
                HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(URI.create(g.url() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + K).timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(GatewayFixture.body(false, 5))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(502, r.statusCode(), r.body());
            }
        }
    }

    static final String K = ai.dexto.gateway.common.apikey.ApiKeys.generate(new java.security.SecureRandom());

    @Test
    void clientsCanUseHttps() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(b -> b.tls(cert, key))) {
            String k = f.addUser("user-https", Money.ofUsd(1), "unlimited");
            assertTrue(f.gateway.url().startsWith("https://"));
            HttpClient client = HttpClient.newBuilder().sslContext(trusting(cert)).version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + f.gateway.port() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + k).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(GatewayFixture.body(false, 5))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("x-dexto-cost-usd").isPresent());
        }
    }

    static SSLContext trusting(Path pem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (FileInputStream in = new FileInputStream(pem.toFile())) {
            ks.setCertificateEntry("test", (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** TLS in front, plain bytes to the simulator behind: the HexDumpProxy shape. */
    Channel tlsRelay(SslContext ssl, int backendPort) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel front) {
                        front.pipeline().addLast(ssl.newHandler(front.alloc()), new ChannelInboundHandlerAdapter() {
                            Channel back;

                            @Override
                            public void channelActive(ChannelHandlerContext ctx) {
                                back = new Bootstrap().group(front.eventLoop()).channel(NioSocketChannel.class)
                                        .handler(new ChannelInboundHandlerAdapter() {
                                            @Override
                                            public void channelRead(ChannelHandlerContext c, Object msg) {
                                                front.writeAndFlush(msg);
                                            }

                                            @Override
                                            public void channelInactive(ChannelHandlerContext c) {
                                                front.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                                            }
                                        })
                                        .connect("127.0.0.1", backendPort)
                                        .addListener(f -> front.read()).channel();
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                back.writeAndFlush(msg).addListener(f -> front.read());
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                if (back != null) {
                                    back.close();
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
    }
}
