package ai.dexto.gateway.controlplane;

import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.auth.SessionTokens;
import ai.dexto.gateway.controlplane.auth.StaticTokenAuth;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.commands.DbCommand;
import ai.dexto.gateway.controlplane.commands.DevTokenCommand;
import ai.dexto.gateway.controlplane.config.ControlPlaneConfiguration;
import ai.dexto.gateway.controlplane.config.DevelopmentDefaults;
import ai.dexto.gateway.controlplane.daos.AuditDao;
import ai.dexto.gateway.controlplane.daos.DailyUsageDao;
import ai.dexto.gateway.controlplane.daos.DeviceDao;
import ai.dexto.gateway.controlplane.daos.IdempotencyDao;
import ai.dexto.gateway.controlplane.daos.KeyDao;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.ReconcileDao;
import ai.dexto.gateway.controlplane.daos.UpstreamKeyDao;
import ai.dexto.gateway.controlplane.daos.UsageDao;
import ai.dexto.gateway.controlplane.daos.UserDao;
import ai.dexto.gateway.controlplane.dashboard.DashboardModule;
import ai.dexto.gateway.controlplane.db.Database;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.device.DeviceLogin;
import ai.dexto.gateway.controlplane.device.DeviceLoginResource;
import ai.dexto.gateway.controlplane.errors.ApiExceptionMapper;
import ai.dexto.gateway.controlplane.errors.BadMessageExceptionMapper;
import ai.dexto.gateway.controlplane.errors.DatabaseExceptionMapper;
import ai.dexto.gateway.controlplane.errors.JsonErrorHandler;
import ai.dexto.gateway.controlplane.errors.JsonExceptionMapper;
import ai.dexto.gateway.controlplane.errors.UnexpectedExceptionMapper;
import ai.dexto.gateway.controlplane.errors.WebApplicationExceptionMapper;
import ai.dexto.gateway.controlplane.feed.FeedNodes;
import ai.dexto.gateway.controlplane.feed.FeedNotifier;
import ai.dexto.gateway.controlplane.feed.FeedPruner;
import ai.dexto.gateway.controlplane.feed.FeedReader;
import ai.dexto.gateway.controlplane.http.ClientAddress;
import ai.dexto.gateway.controlplane.http.ConnectorTagFilter;
import ai.dexto.gateway.controlplane.http.CorsFilter;
import ai.dexto.gateway.controlplane.http.InternalPort;
import ai.dexto.gateway.controlplane.http.PortSeparation;
import ai.dexto.gateway.controlplane.http.RequestIdFilter;
import ai.dexto.gateway.controlplane.http.RequestLogFilter;
import ai.dexto.gateway.controlplane.http.RouteTemplateFilter;
import ai.dexto.gateway.controlplane.journal.DrainFaults;
import ai.dexto.gateway.controlplane.limits.UserRateLimits;
import ai.dexto.gateway.controlplane.journal.DrainHealthCheck;
import ai.dexto.gateway.controlplane.journal.DrainMetrics;
import ai.dexto.gateway.controlplane.journal.JournalDrain;
import ai.dexto.gateway.controlplane.metrics.DropwizardBridge;
import ai.dexto.gateway.controlplane.metrics.PrometheusServlet;
import ai.dexto.gateway.controlplane.models.ModelCatalog;
import ai.dexto.gateway.controlplane.models.ModelsResource;
import ai.dexto.gateway.controlplane.payments.PaymentsModule;
import ai.dexto.gateway.controlplane.provisioning.Provisioner;
import ai.dexto.gateway.controlplane.provisioning.UpstreamKeyHealer;
import ai.dexto.gateway.controlplane.provisioning.UpstreamKeyRotation;
import ai.dexto.gateway.controlplane.provisioning.UpstreamKeysClient;
import ai.dexto.gateway.controlplane.provisioning.UpstreamLimits;
import ai.dexto.gateway.controlplane.provisioning.UserLocks;
import ai.dexto.gateway.controlplane.reconcile.ReconcileMetrics;
import ai.dexto.gateway.controlplane.reconcile.Reconciler;
import ai.dexto.gateway.controlplane.resources.AdminOpenApiResource;
import ai.dexto.gateway.controlplane.resources.AdminResource;
import ai.dexto.gateway.controlplane.resources.DailyUsageResource;
import ai.dexto.gateway.controlplane.resources.FeedResource;
import ai.dexto.gateway.controlplane.resources.KeysResource;
import ai.dexto.gateway.controlplane.resources.OpenApiResource;
import ai.dexto.gateway.controlplane.resources.ProvisionResource;
import ai.dexto.gateway.controlplane.resources.UpstreamKeyHealResource;
import ai.dexto.gateway.controlplane.resources.UsageResource;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: provisioning, keys, usage, payments, the admin API, the data plane's feed, and
 * the drain of the data plane's usage journals into PostgreSQL.
 */
public final class ControlPlaneApplication extends Application<ControlPlaneConfiguration> {
    private static final Logger log = LoggerFactory.getLogger(ControlPlaneApplication.class);

    private volatile Database database;
    private volatile JournalDrain drain;
    private volatile Transactions transactions;
    private volatile Reconciler reconciler;
    private volatile int internalPort = -1;

    public static void main(String[] args) throws Exception {
        new ControlPlaneApplication().run(args);
    }

    @Override
    public String getName() {
        return "dexto-controlplane";
    }

    /**
     * Logging is configured by {@code logback.xml} (the log schema every plane shares, docs/logging.md;
     * {@code logging: type: external} in the YAML), so Dropwizard's bootstrap must not replace it.
     */
    @Override
    protected void bootstrapLogging() {
    }

    @Override
    public void initialize(Bootstrap<ControlPlaneConfiguration> bootstrap) {
        bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
        bootstrap.addCommand(new DbCommand());
        bootstrap.addCommand(new DevTokenCommand());
        DashboardModule.initialize(bootstrap);
    }

    @Override
    public void run(ControlPlaneConfiguration config, Environment env) throws Exception {
        List<String> refused = DevelopmentDefaults.refusedOutsideLocal(config);
        if (!refused.isEmpty()) {
            // before the database, the drain or any listener: nothing starts on published secrets
            String why = DevelopmentDefaults.refusal(refused);
            log.error(why);
            throw new IllegalStateException(why);
        }
        List<String> devSecrets = DevelopmentDefaults.inUse(config);
        if (!devSecrets.isEmpty()) {
            log.warn("local run (DEXTO_ENV=local) on development values for {}", devSecrets);
        }
        InternalPort.addTo(config.getServerFactory(), config.getInternalPort());
        Database db = Database.open(config.getDatabase(), Path.of(config.getDataDir()), env.metrics(),
                env.healthChecks());
        try {
            db.migrate();
            wire(config, env, db);
        } catch (Exception | Error e) {
            db.close(); // an embedded PostgreSQL must not outlive a failed start
            throw e;
        }
    }

    private void wire(ControlPlaneConfiguration config, Environment env, Database db) {
        env.lifecycle().manage(db);
        database = db;

        FeedNotifier notifier = new FeedNotifier();
        env.lifecycle().manage(notifier);
        // Jetty's graceful stop waits for in-flight requests: release long polls as soon as stopping begins
        env.lifecycle().addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopping(LifeCycle event) {
                notifier.stop();
            }
        });
        Transactions tx = new Transactions(db.dataSource(), notifier);
        transactions = tx;
        UserDao users = new UserDao(db.dataSource());
        KeyDao keys = new KeyDao(db.dataSource());
        LedgerDao ledger = new LedgerDao(db.dataSource());
        UsageDao usage = new UsageDao(db.dataSource());
        UpstreamKeyDao upstreamKeys = new UpstreamKeyDao(db.dataSource());

        UpstreamKeyCipher cipher = UpstreamKeyCipher.fromBase64(config.getAuth().encryptionKey);
        UpstreamKeysClient upstream = new UpstreamKeysClient(config.getUpstream().url,
                config.getUpstream().provisioningKey, Duration.ofMillis(config.getUpstream().timeoutMillis),
                env.getObjectMapper());
        long minUpstreamLimit = Money.parseUsdExact(config.getUpstream().keyLimitUsd);
        UserLocks locks = new UserLocks(db.dataSource());
        UpstreamKeyRotation rotation = new UpstreamKeyRotation(tx, users, upstreamKeys, upstream, cipher,
                minUpstreamLimit);
        Provisioner provisioner = new Provisioner(tx, locks, users, ledger, keys, upstreamKeys, upstream, cipher,
                config.getTiers().defaultTier, Money.parseUsdExact(config.getCredits().introUsd), minUpstreamLimit,
                rotation);
        UpstreamKeyHealer healer = new UpstreamKeyHealer(locks, upstreamKeys, rotation,
                env.metrics().counter("dexto_control_upstream_key_heals"), Clock.systemUTC());
        UpstreamLimits limits = new UpstreamLimits(tx, locks, users, upstreamKeys, upstream, minUpstreamLimit);
        env.lifecycle().manage(limits);

        SessionTokens sessions = new SessionTokens(config.getAuth().jwtSecret, config.getAuth().jwtAudience,
                config.getAuth().jwksUrl, config.getAuth().jwtIssuer);
        UserAuthenticator userAuth = new UserAuthenticator(sessions, keys);
        StaticTokenAuth adminAuth = new StaticTokenAuth(config.getAuth().adminToken, "admin");
        StaticTokenAuth internalAuth = new StaticTokenAuth(config.getAuth().internalToken, "internal");

        FeedReader feed = new FeedReader(db.dataSource(), config.getTiers().asFeed(),
                config.getLimits().revokedKeyRetentionSeconds, config.getLimits().revokedKeysPerUser);
        env.lifecycle().manage(new FeedPruner(db.dataSource(), config.getFeed().retentionSeconds));

        Reconciler reconciler = new Reconciler(config.getReconcile(), new ReconcileDao(db.dataSource()), upstreamKeys,
                upstream, cipher, tx, config.getUpstream().url, env.getObjectMapper(), Clock.systemUTC());
        env.lifecycle().manage(reconciler);
        this.reconciler = reconciler;

        JournalDrain journalDrain = new JournalDrain(config.getJournal(),
                config.getJournal().root(config.getDataDir()), tx, DrainFaults.NONE, env.metrics());
        env.lifecycle().manage(journalDrain);
        env.healthChecks().register("journal-drain",
                new DrainHealthCheck(journalDrain, config.getJournal().unhealthyLagSeconds));
        drain = journalDrain;

        env.getApplicationContext().setErrorHandler(new JsonErrorHandler());
        // Jetty refuses a larger body with 413 before the application reads it (chunked ones too)
        env.getApplicationContext().insertHandler(new SizeLimitHandler(config.getLimits().maxRequestBodyBytes, -1));
        env.jersey().register(new ApiExceptionMapper());
        env.jersey().register(new BadMessageExceptionMapper());
        env.jersey().register(new WebApplicationExceptionMapper());
        env.jersey().register(new JsonExceptionMapper());
        env.jersey().register(new DatabaseExceptionMapper());
        env.jersey().register(new UnexpectedExceptionMapper());

        env.jersey().register(new OpenApiResource());
        env.jersey().register(new AdminOpenApiResource());
        UserRateLimits rateLimits = new UserRateLimits(config.getLimits(), System::nanoTime);
        env.jersey().register(new ProvisionResource(userAuth, provisioner, limits, rateLimits));
        env.jersey().register(new KeysResource(userAuth, keys, users, tx, rateLimits));
        DeviceLogin deviceLogin = new DeviceLogin(new DeviceDao(db.dataSource()), provisioner, limits, cipher,
                config.getDeviceLogin(), Clock.systemUTC(), new java.security.SecureRandom());
        env.jersey().register(new DeviceLoginResource(deviceLogin, userAuth, config.getDeviceLogin(),
                new ClientAddress(config.getLimits().trustedProxyList()), Clock.systemUTC()));
        env.jersey().register(new UsageResource(userAuth, usage, Clock.systemUTC(), rateLimits, config.getLimits()));
        env.jersey().register(new DailyUsageResource(userAuth, new DailyUsageDao(db.dataSource()), Clock.systemUTC()));
        env.jersey().register(new AdminResource(adminAuth, tx, users, keys, ledger, usage, upstreamKeys,
                new AuditDao(db.dataSource()), config.getTiers(), provisioner, limits, new IdempotencyDao(),
                reconciler));
        FeedNodes feedNodes = new FeedNodes(Clock.systemUTC());
        env.jersey().register(new FeedResource(internalAuth, feed, notifier, feedNodes));
        env.jersey().register(new ModelsResource(new ModelCatalog(config.getUpstream().url,
                config.getDashboard().markup(), env.getObjectMapper(), Clock.systemUTC())));
        DashboardModule.register(config, env);
        env.jersey().register(new UpstreamKeyHealResource(internalAuth, healer));
        PaymentsModule.register(config, env, tx, userAuth, adminAuth, users, ledger, limits);

        env.jersey().register(new PortSeparation());
        env.servlets().addFilter("connector-tag", new ConnectorTagFilter())
                .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
        env.lifecycle().addServerLifecycleListener(server -> {
            for (Connector c : server.getConnectors()) {
                if (InternalPort.CONNECTOR_NAME.equals(c.getName())) {
                    internalPort = ((ServerConnector) c).getLocalPort();
                }
            }
        });
        env.servlets().addFilter("request-id", new RequestIdFilter())
                .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
        env.servlets().addFilter("request-log", new RequestLogFilter())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        env.jersey().register(new RouteTemplateFilter());
        env.servlets().addFilter("cors", new CorsFilter(config.getCorsOrigins()))
                .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");

        PrometheusRegistry prometheus = new PrometheusRegistry();
        prometheus.register(new DropwizardBridge(env.metrics()));
        GaugeWithCallback.builder().name("dexto_control_feed_nodes")
                .help("Gateway nodes that polled the feed in the last 60 s")
                .callback(cb -> cb.call(feedNodes.active())).register(prometheus);
        DrainMetrics.register(journalDrain, prometheus);
        ReconcileMetrics.register(reconciler, prometheus);
        env.admin().addServlet("prometheus", new PrometheusServlet(prometheus)).addMapping("/metrics");
    }

    /** The running database (tests). */
    public Database database() {
        return database;
    }

    public JournalDrain drain() {
        return drain;
    }

    public Transactions transactions() {
        return transactions;
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    /** The internal port's bound port number once the server started (tests bind port 0). */
    public int internalPort() {
        return internalPort;
    }
}
