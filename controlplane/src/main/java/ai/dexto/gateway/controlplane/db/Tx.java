package ai.dexto.gateway.controlplane.db;

import java.sql.Connection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One open transaction and what it changed that the data plane must hear about. The feed change
 * rows are written by {@link Transactions} as the transaction's last statements.
 */
public final class Tx {
    private final Connection connection;
    private final Set<String> changedUsers = new LinkedHashSet<>();
    private final Set<Long> changedKeys = new LinkedHashSet<>();

    Tx(Connection connection) {
        this.connection = connection;
    }

    public Connection connection() {
        return connection;
    }

    public void userChanged(String userId) {
        changedUsers.add(userId);
    }

    public void keyChanged(long keyId) {
        changedKeys.add(keyId);
    }

    Set<String> changedUsers() {
        return changedUsers;
    }

    Set<Long> changedKeys() {
        return changedKeys;
    }

    boolean changedAnything() {
        return !changedUsers.isEmpty() || !changedKeys.isEmpty();
    }
}
