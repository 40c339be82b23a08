package ai.dexto.gateway.controlplane.resources;

import ai.dexto.gateway.controlplane.auth.Caller;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.daos.KeyDao;
import ai.dexto.gateway.controlplane.daos.UserDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.errors.ApiException;
import ai.dexto.gateway.controlplane.limits.UserRateLimits;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's own API keys. Listing takes a session JWT or an API key; rotating and revoking take a
 * session JWT only: a leaked {@code dxt_} key must not be able to mint its holder a fresh key and
 * lock the owner out. Hashes are never returned.
 */
@Path("/keys")
@Produces(MediaType.APPLICATION_JSON)
public final class KeysResource {
    private final UserAuthenticator auth;
    private final KeyDao keys;
    private final UserDao users;
    private final Transactions tx;
    private final UserRateLimits rateLimits;

    public KeysResource(UserAuthenticator auth, KeyDao keys, UserDao users, Transactions tx,
                        UserRateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.auth = auth;
        this.keys = keys;
        this.users = users;
        this.tx = tx;
    }

    @GET
    public Map<String, Object> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Caller caller = auth.authenticate(authorization);
        List<Map<String, Object>> out = keys.listForUser(caller.userId()).stream().map(Views::key).toList();
        return Map.of("keys", out);
    }

    /** Issues a new key (returned once) and revokes the caller's active one, in one transaction. */
    @POST
    @Path("/rotate")
    public Map<String, Object> rotate(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Caller caller = sessionOnly(auth.authenticate(authorization));
        rateLimits.take(UserRateLimits.Action.ROTATE_KEY, caller.userId());
        KeyDao.IssuedKey issued = tx.inTransaction(t -> {
            if (!users.exists(t, caller.userId())) {
                throw ApiException.notFound("Unknown user: provision first (POST /api/provision)");
            }
            return keys.issue(t, caller.userId(), "default");
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("success", true);
        m.put("dextoApiKey", issued.plaintext());
        m.put("keyId", issued.id());
        m.put("key_display", issued.keyDisplay());
        m.put("revokedKeyId", issued.revokedKeyId());
        return m;
    }

    @DELETE
    @Path("/{id}")
    public Map<String, Object> revoke(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                      @PathParam("id") String id) {
        Caller caller = sessionOnly(auth.authenticate(authorization));
        long keyId = Params.id(id);
        boolean revoked = tx.inTransaction(t -> keys.revokeOwn(t, caller.userId(), keyId));
        if (!revoked) {
            throw ApiException.notFound("No such key");
        }
        return Map.of("success", true, "id", keyId, "status", "revoked");
    }

    private static Caller sessionOnly(Caller caller) {
        if (caller.viaApiKey()) {
            throw ApiException.forbidden("session_required",
                    "Rotating or revoking keys needs a session JWT (sign in); an API key cannot do it");
        }
        return caller;
    }
}
