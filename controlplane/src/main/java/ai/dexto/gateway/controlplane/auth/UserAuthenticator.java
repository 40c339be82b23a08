package ai.dexto.gateway.controlplane.auth;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.logging.LogFields;
import ai.dexto.gateway.controlplane.daos.KeyDao;
import ai.dexto.gateway.controlplane.errors.ApiException;
import org.slf4j.MDC;

/**
 * Authenticates user endpoints by session JWT or by API key. An API key is checked for format and
 * checksum before it is hashed and looked up, so made-up keys cost no database work.
 */
public final class UserAuthenticator {
    private final SessionTokens sessions;
    private final KeyDao keys;

    public UserAuthenticator(SessionTokens sessions, KeyDao keys) {
        this.sessions = sessions;
        this.keys = keys;
    }

    /** JWT or API key. */
    public Caller authenticate(String authorization) {
        String token = Bearer.token(authorization);
        if (token.startsWith(ApiKeys.PREFIX)) {
            if (!ApiKeys.isWellFormed(token)) {
                throw ApiException.unauthorized("Invalid API key");
            }
            KeyDao.ActiveKey key = keys.findActive(ApiKeys.hashHex(token));
            if (key == null) {
                throw ApiException.unauthorized("Invalid API key");
            }
            logAs(key.userId());
            return new Caller(key.userId(), null, key.id());
        }
        SessionTokens.Session s = sessions.verify(token);
        logAs(s.userId());
        return new Caller(s.userId(), s.email(), null);
    }

    /** Session JWT only (provisioning). */
    public SessionTokens.Session session(String authorization) {
        SessionTokens.Session s = sessions.verify(Bearer.token(authorization));
        logAs(s.userId());
        return s;
    }

    /** The rest of the request's log lines name the user by hash (RequestIdFilter removes it). */
    private static void logAs(String userId) {
        MDC.put(LogFields.USER, LogFields.userHash(userId));
    }
}
