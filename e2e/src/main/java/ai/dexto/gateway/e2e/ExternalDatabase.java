package ai.dexto.gateway.e2e;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PostgreSQL server the test run was given ({@code DEXTO_TEST_DATABASE_URL}: a JDBC URL with
 * {@code user} and {@code password} of a role that may create databases, e.g. the server
 * {@code ops/ci-postgres} starts in CI). Each system gets a database of its own there and the control
 * plane is configured for it as an operator would: {@code DEXTO_DATABASE_URL}, {@code _USER},
 * {@code _PASSWORD}. Without it the control plane starts its embedded PostgreSQL.
 */
public final class ExternalDatabase {
    public static final String ENV = "DEXTO_TEST_DATABASE_URL";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final String adminUrl;
    private final String base;
    private final Map<String, String> params;

    private ExternalDatabase(String adminUrl) {
        this.adminUrl = adminUrl;
        int q = adminUrl.indexOf('?');
        String path = q < 0 ? adminUrl : adminUrl.substring(0, q);
        this.base = path.substring(0, path.lastIndexOf('/') + 1);
        this.params = new LinkedHashMap<>();
        if (q >= 0) {
            for (String pair : adminUrl.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    params.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
    }

    /** The configured server, or null when the run uses the embedded PostgreSQL. */
    public static ExternalDatabase fromEnvironment() {
        String url = System.getenv(ENV);
        return url == null || url.isBlank() ? null : new ExternalDatabase(url.trim());
    }

    /** The password of the run's role: never to appear in a log (LogHygieneIT). */
    public String password() {
        return params.getOrDefault("password", "");
    }

    /** Creates a fresh database and returns the control plane's environment for it. */
    public Map<String, String> newDatabaseEnvironment() {
        String name = "e2e_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a database on " + ENV + ": " + e.getMessage(), e);
        }
        return Map.of("DEXTO_DATABASE_URL", base + name,
                "DEXTO_DATABASE_USER", params.getOrDefault("user", ""),
                "DEXTO_DATABASE_PASSWORD", password());
    }
}
