package ai.dexto.gateway.controlplane.resources;

import ai.dexto.gateway.controlplane.auth.StaticTokenAuth;
import ai.dexto.gateway.controlplane.errors.ApiException;
import ai.dexto.gateway.controlplane.provisioning.UpstreamKeyHealer;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /internal/users/{userId}/upstream-key/heal} (bearer {@code DEXTO_INTERNAL_TOKEN}): the
 * gateway got 401 from the upstream with the sealed key {@code rejected}; the answer is the key to use
 * now, sealed. Neither is ever logged.
 */
@Path("/internal/users/{userId}/upstream-key/heal")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class UpstreamKeyHealResource {
    public record HealRequest(@JsonProperty("rejected") String rejected) {
    }

    public record HealResponse(@JsonProperty("upstream_key_ciphertext") String upstreamKeyCiphertext) {
    }

    private final StaticTokenAuth internal;
    private final UpstreamKeyHealer healer;

    public UpstreamKeyHealResource(StaticTokenAuth internal, UpstreamKeyHealer healer) {
        this.internal = internal;
        this.healer = healer;
    }

    @POST
    public HealResponse heal(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             @PathParam("userId") String userId, HealRequest body) {
        internal.require(authorization);
        if (body == null || body.rejected() == null || body.rejected().isBlank()) {
            throw ApiException.badRequest("invalid_rejected", "rejected (the sealed upstream key that was refused) is required");
        }
        return new HealResponse(healer.heal(userId, body.rejected()));
    }
}
