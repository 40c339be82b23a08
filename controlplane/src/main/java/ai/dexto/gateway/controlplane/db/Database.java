package ai.dexto.gateway.controlplane.db;

import ai.dexto.gateway.controlplane.config.DatabaseSettings;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.dropwizard.lifecycle.Managed;
import java.io.IOException;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The PostgreSQL the control plane owns: external when configured, else embedded; a HikariCP pool
 * reporting into Dropwizard's metrics and health checks; migrations applied before anything else.
 */
public final class Database implements Managed {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Database.class);

    private final EmbeddedDatabase embedded;
    private final HikariDataSource pool;

    private Database(EmbeddedDatabase embedded, HikariDataSource pool) {
        this.embedded = embedded;
        this.pool = pool;
    }

    public static Database open(DatabaseSettings settings, Path dataDir, MetricRegistry metrics,
                                HealthCheckRegistry health) throws IOException {
        EmbeddedDatabase embedded = settings.embedded() ? EmbeddedDatabase.start(dataDir) : null;
        try {
            HikariConfig hc = new HikariConfig();
            hc.setPoolName("controlplane");
            if (embedded != null) {
                hc.setJdbcUrl(embedded.jdbcUrl());
                hc.setUsername(embedded.user());
            } else {
                hc.setJdbcUrl(settings.url);
                if (settings.user != null && !settings.user.isBlank()) {
                    hc.setUsername(settings.user);
                }
                if (settings.password != null && !settings.password.isBlank()) {
                    hc.setPassword(settings.password);
                }
            }
            hc.setMaximumPoolSize(settings.maxPoolSize);
            hc.setConnectionTimeout(settings.connectionTimeoutMillis);
            hc.addDataSourceProperty("reWriteBatchedInserts", "true");
            hc.addDataSourceProperty("ApplicationName", "dexto-controlplane");
            if (metrics != null) {
                hc.setMetricRegistry(metrics);
            }
            if (health != null) {
                hc.setHealthCheckRegistry(health);
            }
            return new Database(embedded, new HikariDataSource(hc));
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** Applies every pending migration from {@code db/migration}; returns how many ran. */
    public int migrate() {
        return Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate()
                .migrationsExecuted;
    }

    @Override
    public void stop() throws Exception {
        close();
    }

    public void close() throws IOException {
        pool.close();
        if (embedded != null) {
            embedded.close();
            log.info("embedded PostgreSQL stopped");
        }
    }
}
