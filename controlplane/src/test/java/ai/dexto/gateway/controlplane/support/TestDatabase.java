package ai.dexto.gateway.controlplane.support;

import ai.dexto.gateway.controlplane.config.DatabaseSettings;
import ai.dexto.gateway.controlplane.db.Database;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.feed.FeedNotifier;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A migrated database of its own for tests that drive the DAOs and the drain without HTTP. */
public final class TestDatabase implements AutoCloseable {
    public final Database database;
    public final FeedNotifier notifier = new FeedNotifier();
    public final Transactions transactions;

    public TestDatabase() throws IOException {
        DatabaseSettings settings = new DatabaseSettings();
        settings.url = TestPostgres.newDatabase();
        settings.maxPoolSize = 24;
        database = Database.open(settings, Path.of("target"), null, null);
        database.migrate();
        transactions = new Transactions(database.dataSource(), notifier);
    }

    /** A user with a balance funded by one admin credit. */
    public void createUser(String userId, long creditNanos) throws SQLException {
        try (Connection c = database.dataSource().getConnection()) {
            exec(c, "INSERT INTO users (id) VALUES (?)", userId);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO balances (user_id, balance_nanos, lifetime_credit_nanos) VALUES (?, ?, ?)")) {
                ps.setString(1, userId);
                ps.setLong(2, creditNanos);
                ps.setLong(3, creditNanos);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO credit_ledger (user_id, amount_nanos, kind, "
                    + "reason, actor) VALUES (?, ?, 'admin', 'test', 'test')")) {
                ps.setString(1, userId);
                ps.setLong(2, creditNanos);
                ps.executeUpdate();
            }
        }
    }

    public long queryLong(String sql, Object... params) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    public String queryString(String sql, Object... params) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    public void execute(String sql) throws SQLException {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void exec(Connection c, String sql, String p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, p);
            ps.executeUpdate();
        }
    }

    @Override
    public void close() throws IOException {
        database.close();
    }
}
