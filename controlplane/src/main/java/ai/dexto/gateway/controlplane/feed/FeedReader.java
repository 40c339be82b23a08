package ai.dexto.gateway.controlplane.feed;

import ai.dexto.gateway.common.feed.FeedChanges;
import ai.dexto.gateway.common.feed.FeedKey;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedTier;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.common.feed.KeyLookup;
import ai.dexto.gateway.controlplane.db.DatabaseException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Reads the feed the data plane lists and watches. Each answer is read in one REPEATABLE READ,
 * read-only transaction, so its users, keys and cursor are one consistent state.
 */
public final class FeedReader {
    private static final String USERS =
            "SELECT u.id, u.tier, coalesce(b.balance_nanos, 0), coalesce(o.applied_sequence, 0), k.ciphertext "
                    + "FROM users u LEFT JOIN balances b ON b.user_id = u.id "
                    + "LEFT JOIN balance_node_offsets o ON o.user_id = u.id AND o.node_id = ? "
                    + "LEFT JOIN upstream_keys k ON k.user_id = u.id ";
    private static final String KEYS = "SELECT key_hash, id, user_id, status, version FROM api_keys ";

    /**
     * The snapshot's keys: every active key, and of the revoked ones only each user's few most recent
     * within the retention. Leaving the others out is safe: a gateway refuses a key it does not know
     * (a cache miss asks {@code /internal/keys}, which still answers revoked), and it keeps a loop of
     * rotations from growing the snapshot every gateway loads.
     */
    private static final String SNAPSHOT_KEYS = KEYS + "WHERE status = 'active' OR id IN (SELECT id FROM "
            + "(SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY revoked_at DESC, id DESC) AS n "
            + "FROM api_keys WHERE status = 'revoked' AND revoked_at > now() - ? * interval '1 second') r "
            + "WHERE n <= ?) ORDER BY id";

    private final DataSource ds;
    private final List<FeedTier> tiers;
    private final long revokedRetentionSeconds;
    private final int revokedKeysPerUser;

    public FeedReader(DataSource ds, List<FeedTier> tiers, long revokedRetentionSeconds, int revokedKeysPerUser) {
        this.ds = ds;
        this.tiers = tiers;
        this.revokedRetentionSeconds = revokedRetentionSeconds;
        this.revokedKeysPerUser = revokedKeysPerUser;
    }

    public FeedSnapshot snapshot(String node) {
        return read(c -> {
            long[] head = head(c);
            List<FeedUser> users = users(c, node, USERS + "ORDER BY u.id", null);
            List<FeedKey> keys = keys(c, SNAPSHOT_KEYS, revokedRetentionSeconds, revokedKeysPerUser);
            return new FeedSnapshot(head[0], tiers, users, keys);
        });
    }

    /** Everything changed after {@code since}; {@code resnapshot} when the log no longer reaches back that far. */
    public FeedChanges changes(String node, long since) {
        return read(c -> {
            long[] head = head(c);
            long cursor = head[0];
            if (since < head[1] || since > cursor) {
                return new FeedChanges(cursor, true, List.of(), List.of(), List.of());
            }
            if (since == cursor) {
                return new FeedChanges(cursor, false, List.of(), List.of(), List.of());
            }
            List<String> userIds = new ArrayList<>();
            List<String> keyIds = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT entity_kind, entity_id FROM feed_changes "
                    + "WHERE cursor > ? AND cursor <= ?")) {
                ps.setLong(1, since);
                ps.setLong(2, cursor);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ("u".equals(rs.getString(1)) ? userIds : keyIds).add(rs.getString(2));
                    }
                }
            }
            List<FeedUser> users = userIds.isEmpty() ? List.of()
                    : users(c, node, USERS + "WHERE u.id = ANY(?) ORDER BY u.id", c.createArrayOf("text", userIds.toArray()));
            List<FeedKey> keys = keyIds.isEmpty() ? List.of()
                    : keys(c, KEYS + "WHERE id = ANY(?::bigint[]) ORDER BY id", c.createArrayOf("text", keyIds.toArray()));
            return new FeedChanges(cursor, false, List.of(), users, keys);
        });
    }

    public KeyLookup lookup(String keyHash, String node) {
        return read(c -> {
            List<FeedKey> keys = keys(c, KEYS + "WHERE key_hash = ?", keyHash);
            if (keys.isEmpty()) {
                return null;
            }
            FeedKey key = keys.get(0);
            List<FeedUser> users = users(c, node, USERS + "WHERE u.id = ?", key.userId());
            return new KeyLookup(key, users.isEmpty() ? null : users.get(0));
        });
    }

    public long headCursor() {
        return read(c -> head(c)[0]);
    }

    private interface Read<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T read(Read<T> work) {
        try (Connection c = ds.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            int isolation = c.getTransactionIsolation();
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } finally {
                if (!c.isClosed()) {
                    c.rollback();
                    c.setReadOnly(false);
                    c.setTransactionIsolation(isolation);
                    c.setAutoCommit(autoCommit);
                }
            }
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    private static long[] head(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT cursor, pruned_through FROM feed_head WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private static List<FeedUser> users(Connection c, String node, String sql, Object param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, node);
            if (param != null) {
                ps.setObject(2, param);
            }
            List<FeedUser> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new FeedUser(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getString(5)));
                }
            }
            return out;
        }
    }

    private static List<FeedKey> keys(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<FeedKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new FeedKey(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
                }
            }
            return out;
        }
    }
}
