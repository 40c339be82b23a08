package ai.dexto.gateway.dataplane.auth;

import ai.dexto.gateway.dataplane.credit.UserAccount;

/** A known API key: whose it is and whether it may be used. Immutable; replaced on every change. */
public record KeyEntry(long keyId, UserAccount account, boolean active) {
}
