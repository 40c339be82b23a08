package ai.dexto.gateway.controlplane.feed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;

/**
 * Writes a transaction's feed change rows. The cursor comes from the single head row, taken in the
 * transaction's last statement: its row lock is held until commit, so cursors are handed out in
 * commit order, and a reader that sees head N (only committed values are visible) has every change
 * tagged N or lower visible too. A transaction that allocated a cursor but later rolled back leaves a
 * gap, which is harmless. The same statement stamps each changed key row with that cursor as its
 * {@code version} (the transaction already holds those rows' locks, having changed them).
 */
public final class ChangeLog {
    private static final String APPEND =
            "WITH head AS (UPDATE feed_head SET cursor = cursor + 1 WHERE id = 1 RETURNING cursor), "
                    + "rows AS (SELECT 'u' AS kind, u AS id FROM unnest(?::text[]) AS u "
                    + "         UNION ALL SELECT 'k', k FROM unnest(?::text[]) AS k), "
                    + "ins AS (INSERT INTO feed_changes (cursor, entity_kind, entity_id) "
                    + "        SELECT head.cursor, rows.kind, rows.id FROM head, rows), "
                    + "kv AS (UPDATE api_keys SET version = head.cursor FROM head "
                    + "       WHERE api_keys.id = ANY(?::bigint[])) "
                    + "SELECT cursor FROM head";

    private ChangeLog() {
    }

    /** @return the cursor this transaction's changes carry */
    public static long append(Connection c, Collection<String> users, Collection<Long> keys) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(APPEND)) {
            ps.setArray(1, c.createArrayOf("text", users.toArray()));
            ps.setArray(2, c.createArrayOf("text", keys.stream().map(String::valueOf).toArray()));
            ps.setArray(3, c.createArrayOf("bigint", keys.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
