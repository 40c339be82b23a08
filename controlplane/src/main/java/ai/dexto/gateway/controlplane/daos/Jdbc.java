package ai.dexto.gateway.controlplane.daos;

import ai.dexto.gateway.controlplane.db.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Small helpers for read-only queries outside an explicit transaction. */
final class Jdbc {
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private Jdbc() {
    }

    static <T> List<T> query(DataSource ds, String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = ds.getConnection()) {
            return query(c, sql, binder, mapper);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    static <T> List<T> query(Connection c, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        }
    }

    static <T> T one(DataSource ds, String sql, Binder binder, RowMapper<T> mapper) {
        List<T> rows = query(ds, sql, binder, mapper);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static <T> T one(Connection c, String sql, Binder binder, RowMapper<T> mapper) throws SQLException {
        List<T> rows = query(c, sql, binder, mapper);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static int update(DataSource ds, String sql, Binder binder) {
        try (Connection c = ds.getConnection()) {
            return update(c, sql, binder);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    static int update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
