package ai.dexto.gateway.sim;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar dexto-sim.jar}: runs the simulator in the foreground until SIGINT/SIGTERM. Options
 * default to the environment variables the rest of the system shares (docs/contracts.md), so the
 * quickstart needs no flags. Prints {@code SIM READY openrouter=<url> stripe=<url>} once listening.
 */
@Command(name = "dexto-sim", mixinStandardHelpOptions = true,
        description = "Local stand-ins for OpenRouter (/api/v1), Supabase Auth (/auth/v1) and Stripe (/v1), "
                + "with fault injection.")
public final class SimMain implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "${env:DEXTO_SIM_PORT:-8090}",
            description = "OpenRouter side port, 0 = any free (env DEXTO_SIM_PORT; default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--stripe-port", defaultValue = "${env:DEXTO_SIM_STRIPE_PORT:-8091}",
            description = "Stripe side port, 0 = any free (env DEXTO_SIM_STRIPE_PORT; default: ${DEFAULT-VALUE}).")
    int stripePort;

    @Option(names = "--provisioning-key", defaultValue = "${env:OPENROUTER_PROVISIONING_KEY:-sk-or-prov-sim-dev}",
            description = "Bearer key of /api/v1/keys (env OPENROUTER_PROVISIONING_KEY).")
    String provisioningKey;

    @Option(names = "--stripe-secret-key", defaultValue = "${env:STRIPE_SECRET_KEY:-sk_test_sim_dev}",
            description = "Bearer key of the Stripe API (env STRIPE_SECRET_KEY).")
    String stripeSecretKey;

    @Option(names = "--stripe-webhook-url", defaultValue = "${env:DEXTO_STRIPE_WEBHOOK_URL}",
            description = "Where Stripe events are POSTed; none = record only (env DEXTO_STRIPE_WEBHOOK_URL).")
    String stripeWebhookUrl;

    @Option(names = "--stripe-webhook-secret",
            defaultValue = "${env:DEXTO_STRIPE_WEBHOOK_SECRET:-" + SimConfig.DEFAULT_STRIPE_WEBHOOK_SECRET + "}",
            description = "Signing secret of Stripe events (env DEXTO_STRIPE_WEBHOOK_SECRET).")
    String stripeWebhookSecret;

    @Option(names = "--ttft-ms", defaultValue = "0", description = "Time to first token, ms (default: ${DEFAULT-VALUE}).")
    long ttftMillis;

    @Option(names = "--inter-token-ms", defaultValue = "0", description = "Delay between tokens, ms (default: ${DEFAULT-VALUE}).")
    long interTokenMillis;

    @Option(names = "--answer-tokens", defaultValue = "20", description = "Tokens per answer (default: ${DEFAULT-VALUE}).")
    int answerTokens;

    @Option(names = "--byok", description = "Answer as for a bring-your-own-key account (5%% fee, upstream cost apart).")
    boolean byok;

    @Option(names = "--state-dir", defaultValue = "${env:DEXTO_SIM_STATE_DIR}",
            description = "Keeps minted upstream keys and their usage, and the auth users, sessions and "
                    + "signing keys, here across restarts; none = memory only (env DEXTO_SIM_STATE_DIR).")
    java.nio.file.Path stateDir;

    @Option(names = "--auth-anon-key", defaultValue = "${env:DEXTO_AUTH_ANON_KEY:-" + SimConfig.DEFAULT_AUTH_ANON_KEY + "}",
            description = "The apikey /auth/v1 requires, as a Supabase project's publishable key (env DEXTO_AUTH_ANON_KEY).")
    String authAnonKey;

    @Option(names = "--auth-token-ttl", defaultValue = "3600",
            description = "Lifetime of issued access tokens, seconds (default: ${DEFAULT-VALUE}).")
    long authTokenTtlSeconds;

    @Option(names = "--io-threads", defaultValue = "0", description = "Event-loop threads, 0 = automatic.")
    int ioThreads;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dexto-sim-logback.xml");
        }
        System.exit(new CommandLine(new SimMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Sim sim = Sim.start(toConfig());
        // SIGINT and SIGTERM both run this; a shell that starts us in the background without job
        // control makes us ignore SIGINT (the JVM keeps an inherited SIG_IGN), so scripts send SIGTERM.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sim.close();
            stopped.countDown();
        }, "dexto-sim-shutdown"));
        System.out.println("SIM READY openrouter=" + sim.openRouterBaseUrl() + " stripe=" + sim.stripeBaseUrl()
                + " auth=" + sim.authBaseUrl());
        System.out.flush();
        stopped.await();
        return 0;
    }

    SimConfig toConfig() {
        SimConfig.Builder config = SimConfig.builder()
                .host(host)
                .openRouterPort(port)
                .stripePort(stripePort)
                .provisioningKey(provisioningKey)
                .stripeSecretKey(stripeSecretKey)
                .stripeWebhookUrl(stripeWebhookUrl == null || stripeWebhookUrl.isBlank() ? null : stripeWebhookUrl)
                .stripeWebhookSecret(stripeWebhookSecret)
                .timeToFirstTokenMillis(ttftMillis)
                .interTokenMillis(interTokenMillis)
                .answerTokens(answerTokens)
                .byok(byok)
                .stateDir(stateDir)
                .authAnonKey(authAnonKey)
                .authTokenTtlSeconds(authTokenTtlSeconds);
        if (ioThreads > 0) {
            config.ioThreads(ioThreads);
        }
        return config.build();
    }
}
