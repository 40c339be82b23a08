package ai.dexto.gateway.controlplane.resources;

import ai.dexto.gateway.controlplane.auth.SessionTokens;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.limits.UserRateLimits;
import ai.dexto.gateway.controlplane.provisioning.Provisioner;
import ai.dexto.gateway.controlplane.provisioning.UpstreamLimits;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /api/provision}, called by the CLI's login and the dashboard with a session JWT. Returns
 * a new API key once; {@code isNewKey} is false when it replaced the user's previous active key.
 */
@Path("/api/provision")
@Produces(MediaType.APPLICATION_JSON)
public final class ProvisionResource {
    public record ProvisionResponse(@JsonProperty("success") boolean success,
                                    @JsonProperty("dextoApiKey") String dextoApiKey,
                                    @JsonProperty("keyId") long keyId,
                                    @JsonProperty("isNewKey") boolean isNewKey) {
    }

    private final UserAuthenticator auth;
    private final Provisioner provisioner;
    private final UpstreamLimits limits;
    private final UserRateLimits rateLimits;

    public ProvisionResource(UserAuthenticator auth, Provisioner provisioner, UpstreamLimits limits,
                             UserRateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.auth = auth;
        this.provisioner = provisioner;
        this.limits = limits;
    }

    @POST
    public ProvisionResponse provision(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        SessionTokens.Session session = auth.session(authorization);
        rateLimits.take(UserRateLimits.Action.PROVISION, session.userId());
        Provisioner.Provisioned p = provisioner.provision(session.userId(), session.email());
        if (!p.newUser()) {
            limits.raiseIfNeeded(p.userId());
        }
        return new ProvisionResponse(true, p.apiKey(), p.keyId(), p.isNewKey());
    }
}
