package ai.dexto.gateway.sim;

import ai.dexto.gateway.sim.auth.AuthSim;
import ai.dexto.gateway.sim.fault.Fault;
import ai.dexto.gateway.sim.fault.FaultInjector;
import ai.dexto.gateway.sim.http.HttpListener;
import ai.dexto.gateway.sim.http.Transport;
import ai.dexto.gateway.sim.openrouter.Generations;
import ai.dexto.gateway.sim.openrouter.ModelCatalogue;
import ai.dexto.gateway.sim.openrouter.OpenRouterHandler;
import ai.dexto.gateway.sim.provisioning.KeyStore;
import ai.dexto.gateway.sim.stripe.StripeSim;
import io.netty.channel.EventLoopGroup;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running simulator: the OpenRouter side (with Supabase Auth under {@code /auth/v1} on the same
 * port) and the Stripe side on its own port, sharing one event-loop group. Start with {@link #start(SimConfig)}, stop with {@link #close()}.
 */
public final class Sim implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Sim.class);

    private final SimConfig config;
    private final EventLoopGroup group;
    private final HttpListener openRouter;
    private final HttpListener stripeListener;
    private final KeyStore keys;
    private final FaultInjector faults;
    private final StripeSim stripe;
    private final AuthSim auth;
    private final Generations generations;

    private Sim(SimConfig config, EventLoopGroup group, HttpListener openRouter, HttpListener stripeListener,
                KeyStore keys, FaultInjector faults, StripeSim stripe, AuthSim auth, Generations generations) {
        this.config = config;
        this.group = group;
        this.openRouter = openRouter;
        this.stripeListener = stripeListener;
        this.keys = keys;
        this.faults = faults;
        this.stripe = stripe;
        this.auth = auth;
        this.generations = generations;
    }

    public static Sim start(SimConfig config) {
        Clock clock = Clock.systemUTC();
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(config.ioThreads(), "dexto-sim");
        KeyStore keys = config.stateDir() == null ? new KeyStore(clock)
                : KeyStore.persistent(clock, config.stateDir().resolve("openrouter-keys.json"));
        ModelCatalogue models = new ModelCatalogue();
        Generations generations = config.stateDir() == null ? new Generations(clock)
                : Generations.persistent(clock, config.stateDir().resolve("openrouter-generations.jsonl"), models);
        FaultInjector faults = new FaultInjector();
        HttpListener openRouter = null;
        StripeSim stripe = null;
        AuthSim auth = new AuthSim(config, clock);
        try {
            openRouter = HttpListener.bind(transport, group, config.host(), config.openRouterPort(), auth.handler(),
                    new OpenRouterHandler(config, models, keys, generations, faults));
            auth.listeningOn(baseUrl(config.host(), openRouter.port()));
            stripe = new StripeSim(config, clock);
            HttpListener stripeListener = HttpListener.bind(transport, group, config.host(), config.stripePort(),
                    stripe.handler());
            stripe.listeningOn(baseUrl(config.host(), stripeListener.port()));
            log.info("OpenRouter sim on port {}, Stripe sim on port {} ({}, {} event loops)", openRouter.port(),
                    stripeListener.port(), transport.name(), config.ioThreads());
            return new Sim(config, group, openRouter, stripeListener, keys, faults, stripe, auth, generations);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            auth.close();
            throw cleanUp(group, openRouter, stripe, new IllegalStateException("interrupted while binding", e));
        } catch (RuntimeException e) {
            auth.close();
            throw cleanUp(group, openRouter, stripe, e);
        }
    }

    public SimConfig config() {
        return config;
    }

    public int openRouterPort() {
        return openRouter.port();
    }

    public int stripePort() {
        return stripeListener.port();
    }

    /** {@code http://<host>:<port>/api/v1}: what the gateway uses as {@code DEXTO_UPSTREAM_URL}. */
    public String openRouterBaseUrl() {
        return baseUrl(config.host(), openRouter.port()) + "/api/v1";
    }

    /** {@code http://<host>:<port>}: the Stripe API base (the SDK appends {@code /v1/...}). */
    public String stripeBaseUrl() {
        return baseUrl(config.host(), stripeListener.port());
    }

    /**
     * Mints an upstream key, as {@code POST /keys} would.
     *
     * @param limitUsd spending limit in USD as a decimal string, or null for none
     * @return the plaintext key ({@code sk-or-v1-…})
     */
    public String mintKey(String name, String limitUsd) {
        return keys.create(name, limitUsd == null ? null : new BigDecimal(limitUsd), false, null).plaintext();
    }

    public StripeSim stripe() {
        return stripe;
    }

    /** The simulated Supabase Auth: {@link AuthSim#baseUrl()} is {@code http://<host>:<port>/auth/v1}. */
    public AuthSim auth() {
        return auth;
    }

    /** {@code http://<host>:<port>/auth/v1}: what the dashboard and the quickstart use as Supabase Auth. */
    public String authBaseUrl() {
        return auth.baseUrl();
    }

    /** Arms a fault for the next {@code count} chat requests (-1: until {@link #clearFaults()}). */
    public void setGlobalFault(String spec, int count) {
        faults.arm(Fault.parse(spec), count);
    }

    public void clearFaults() {
        faults.clear();
    }

    @Override
    public void close() {
        stripeListener.close();
        cleanUp(group, openRouter, stripe, null);
        auth.close();
        keys.save(); // the keys' usage, which is not written on every request
        generations.close();
    }

    private static String baseUrl(String host, int port) {
        String literal = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "http://" + literal + ":" + port;
    }

    private static RuntimeException cleanUp(EventLoopGroup group, HttpListener openRouter, StripeSim stripe,
                                            RuntimeException failure) {
        if (openRouter != null) {
            openRouter.close();
        }
        if (stripe != null) {
            stripe.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        return failure;
    }
}
