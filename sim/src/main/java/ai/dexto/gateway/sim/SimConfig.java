package ai.dexto.gateway.sim;

import java.util.Objects;

/**
 * How a simulator instance listens and behaves. Immutable; built with {@link #builder()}. Port 0 picks
 * a free port (tests); the defaults match docs/contracts.md.
 */
public final class SimConfig {
    public static final int DEFAULT_OPENROUTER_PORT = 8090;
    public static final int DEFAULT_STRIPE_PORT = 8091;
    public static final String DEFAULT_PROVISIONING_KEY = "sk-or-prov-sim-dev";
    public static final String DEFAULT_STRIPE_SECRET_KEY = "sk_test_sim_dev";
    public static final String DEFAULT_STRIPE_WEBHOOK_SECRET = "whsec_simdev_0123456789abcdef";
    /** The simulated Supabase project's publishable ("anon") key, sent as {@code apikey} to {@code /auth/v1}. */
    public static final String DEFAULT_AUTH_ANON_KEY = "sb_publishable_sim_dev";

    private final String host;
    private final int openRouterPort;
    private final int stripePort;
    private final String provisioningKey;
    private final String stripeSecretKey;
    private final String stripeWebhookUrl;
    private final String stripeWebhookSecret;
    private final long timeToFirstTokenMillis;
    private final long interTokenMillis;
    private final int answerTokens;
    private final boolean byok;
    private final int ioThreads;
    private final java.nio.file.Path stateDir;
    /** $4 per 1,000 results, as OpenRouter prices its web plugin. */
    static final java.math.BigDecimal WEB_RESULT_PRICE = new java.math.BigDecimal("0.004");
    private final String authAnonKey;
    private final long authTokenTtlSeconds;

    private SimConfig(Builder b) {
        this.host = b.host;
        this.openRouterPort = b.openRouterPort;
        this.stripePort = b.stripePort;
        this.provisioningKey = b.provisioningKey;
        this.stripeSecretKey = b.stripeSecretKey;
        this.stripeWebhookUrl = b.stripeWebhookUrl;
        this.stripeWebhookSecret = b.stripeWebhookSecret;
        this.timeToFirstTokenMillis = b.timeToFirstTokenMillis;
        this.interTokenMillis = b.interTokenMillis;
        this.answerTokens = b.answerTokens;
        this.byok = b.byok;
        this.ioThreads = b.ioThreads;
        this.stateDir = b.stateDir;
        this.authAnonKey = b.authAnonKey;
        this.authTokenTtlSeconds = b.authTokenTtlSeconds;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults everywhere, both sides on ephemeral ports: what most tests want. */
    public static SimConfig ephemeral() {
        return builder().openRouterPort(0).stripePort(0).build();
    }

    public String host() {
        return host;
    }

    public int openRouterPort() {
        return openRouterPort;
    }

    public int stripePort() {
        return stripePort;
    }

    public String provisioningKey() {
        return provisioningKey;
    }

    public String stripeSecretKey() {
        return stripeSecretKey;
    }

    /** Where Stripe events are POSTed; null means events are recorded but not delivered. */
    public String stripeWebhookUrl() {
        return stripeWebhookUrl;
    }

    public String stripeWebhookSecret() {
        return stripeWebhookSecret;
    }

    public long timeToFirstTokenMillis() {
        return timeToFirstTokenMillis;
    }

    public long interTokenMillis() {
        return interTokenMillis;
    }

    public int answerTokens() {
        return answerTokens;
    }

    public boolean byok() {
        return byok;
    }

    /** Event-loop threads shared by both sides; 0 lets Netty choose (2 × cores). */
    public int ioThreads() {
        return ioThreads;
    }

    /** OpenRouter's web plugin price per search result (USD); the gateway reserves with the same figure. */
    public java.math.BigDecimal webResultPrice() {
        return WEB_RESULT_PRICE;
    }

    /** Where minted upstream keys and the auth users are kept across restarts; null keeps them in memory only. */
    public java.nio.file.Path stateDir() {
        return stateDir;
    }

    /** The {@code apikey} every {@code /auth/v1} request but the JWKS must carry. */
    public String authAnonKey() {
        return authAnonKey;
    }

    /** Lifetime of the access tokens the simulated Auth issues (Supabase's default: 3600 s). */
    public long authTokenTtlSeconds() {
        return authTokenTtlSeconds;
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int openRouterPort = DEFAULT_OPENROUTER_PORT;
        private int stripePort = DEFAULT_STRIPE_PORT;
        private String provisioningKey = DEFAULT_PROVISIONING_KEY;
        private String stripeSecretKey = DEFAULT_STRIPE_SECRET_KEY;
        private String stripeWebhookUrl;
        private String stripeWebhookSecret = DEFAULT_STRIPE_WEBHOOK_SECRET;
        private long timeToFirstTokenMillis;
        private long interTokenMillis;
        private int answerTokens = 20;
        private boolean byok;
        private int ioThreads = Math.min(4, Runtime.getRuntime().availableProcessors());
        private java.nio.file.Path stateDir;
        private String authAnonKey = DEFAULT_AUTH_ANON_KEY;
        private long authTokenTtlSeconds = 3600;

        private Builder() {
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        public Builder openRouterPort(int port) {
            this.openRouterPort = checkPort(port);
            return this;
        }

        public Builder stripePort(int port) {
            this.stripePort = checkPort(port);
            return this;
        }

        public Builder provisioningKey(String key) {
            this.provisioningKey = Objects.requireNonNull(key, "provisioningKey");
            return this;
        }

        public Builder stripeSecretKey(String key) {
            this.stripeSecretKey = Objects.requireNonNull(key, "stripeSecretKey");
            return this;
        }

        public Builder stripeWebhookUrl(String url) {
            this.stripeWebhookUrl = url;
            return this;
        }

        public Builder stripeWebhookSecret(String secret) {
            this.stripeWebhookSecret = Objects.requireNonNull(secret, "stripeWebhookSecret");
            return this;
        }

        public Builder timeToFirstTokenMillis(long millis) {
            this.timeToFirstTokenMillis = checkNonNegative(millis, "timeToFirstTokenMillis");
            return this;
        }

        public Builder interTokenMillis(long millis) {
            this.interTokenMillis = checkNonNegative(millis, "interTokenMillis");
            return this;
        }

        public Builder answerTokens(int tokens) {
            this.answerTokens = (int) checkNonNegative(tokens, "answerTokens");
            return this;
        }

        public Builder byok(boolean byok) {
            this.byok = byok;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = (int) checkNonNegative(threads, "ioThreads");
            return this;
        }

        public Builder stateDir(java.nio.file.Path dir) {
            this.stateDir = dir;
            return this;
        }

        public Builder authAnonKey(String key) {
            this.authAnonKey = Objects.requireNonNull(key, "authAnonKey");
            return this;
        }

        public Builder authTokenTtlSeconds(long seconds) {
            if (seconds < 1) {
                throw new IllegalArgumentException("authTokenTtlSeconds must be >= 1: " + seconds);
            }
            this.authTokenTtlSeconds = seconds;
            return this;
        }

        public SimConfig build() {
            return new SimConfig(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return port;
        }

        private static long checkNonNegative(long value, String name) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must be >= 0: " + value);
            }
            return value;
        }
    }
}
