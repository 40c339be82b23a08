package ai.dexto.gateway.dataplane.auth;

import ai.dexto.gateway.dataplane.account.UserAccount;

/**
 * A known API key: whose it is, whether it may be used, and the version of the control plane's row
 * it came from. Immutable; replaced on every change, never by an older version.
 */
public record KeyEntry(long keyId, UserAccount account, boolean active, long version) {
}
