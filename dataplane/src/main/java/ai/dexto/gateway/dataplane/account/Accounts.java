package ai.dexto.gateway.dataplane.account;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Every user this node knows, by user id. Written by the feed, read by the event loops. */
public final class Accounts {
    private final ConcurrentHashMap<String, UserAccount> byUser = new ConcurrentHashMap<>();
    private final Function<String, UserAccount> create = UserAccount::new;

    public UserAccount get(String userId) {
        return byUser.get(userId);
    }

    public UserAccount getOrCreate(String userId) {
        return byUser.computeIfAbsent(userId, create);
    }

    public void forEach(java.util.function.Consumer<UserAccount> action) {
        byUser.values().forEach(action);
    }

    public int size() {
        return byUser.size();
    }
}
