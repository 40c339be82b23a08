package ai.dexto.gateway.controlplane.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;

/** The YAML of {@code ops/config/controlplane.yml}, every secret and address overridable by environment. */
public final class ControlPlaneConfiguration extends Configuration {
    /** {@code DEXTO_ENV}: only {@code local} accepts development secrets and an embedded database. */
    @JsonProperty
    private String env = "";

    @JsonProperty
    private String dataDir = "./.dexto";

    @Valid @NotNull @JsonProperty
    private DatabaseSettings database = new DatabaseSettings();

    @Valid @NotNull @JsonProperty
    private AuthSettings auth = new AuthSettings();

    @Valid @NotNull @JsonProperty
    private UpstreamSettings upstream = new UpstreamSettings();

    @Valid @NotNull @JsonProperty
    private CreditSettings credits = new CreditSettings();

    @Valid @NotNull @JsonProperty
    private TierSettings tiers = new TierSettings();

    @Valid @NotNull @JsonProperty
    private JournalSettings journal = new JournalSettings();

    @Valid @NotNull @JsonProperty
    private FeedSettings feed = new FeedSettings();

    @Valid @NotNull @JsonProperty
    private StripeSettings stripe = new StripeSettings();

    @Valid @NotNull @JsonProperty
    private LimitSettings limits = new LimitSettings();

    @Valid @NotNull @JsonProperty
    private InternalPortSettings internalPort = new InternalPortSettings();

    @Valid @NotNull @JsonProperty
    private DeviceLoginSettings deviceLogin = new DeviceLoginSettings();

    @Valid @NotNull @JsonProperty
    private DashboardSettings dashboard = new DashboardSettings();

    @Valid @NotNull @JsonProperty
    private ReconcileSettings reconcile = new ReconcileSettings();

    @JsonProperty
    private String corsOrigins = "https://dexto.ai";

    public boolean isLocal() {
        return DevelopmentDefaults.LOCAL.equals(env);
    }

    public String getDataDir() {
        return dataDir;
    }

    public DatabaseSettings getDatabase() {
        return database;
    }

    public AuthSettings getAuth() {
        return auth;
    }

    public UpstreamSettings getUpstream() {
        return upstream;
    }

    public CreditSettings getCredits() {
        return credits;
    }

    public TierSettings getTiers() {
        return tiers;
    }

    public JournalSettings getJournal() {
        return journal;
    }

    public FeedSettings getFeed() {
        return feed;
    }

    public StripeSettings getStripe() {
        return stripe;
    }

    public LimitSettings getLimits() {
        return limits;
    }

    public InternalPortSettings getInternalPort() {
        return internalPort;
    }

    public DeviceLoginSettings getDeviceLogin() {
        return deviceLogin;
    }

    public DashboardSettings getDashboard() {
        return dashboard;
    }

    public ReconcileSettings getReconcile() {
        return reconcile;
    }

    public String getCorsOrigins() {
        return corsOrigins;
    }
}
