package ai.dexto.gateway.dataplane.auth;

/** Why a key was refused, or that it needs the control plane's answer. */
public enum AuthResult {
    OK,
    MISSING,
    MALFORMED,
    UNKNOWN,
    REVOKED,
    /** Not in the cache: ask the control plane once. */
    MISS
}
