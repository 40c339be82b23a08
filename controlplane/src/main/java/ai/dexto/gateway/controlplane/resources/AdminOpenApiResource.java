package ai.dexto.gateway.controlplane.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /admin/openapi.json}: the operators' API description ({@code docs/openapi/admin.json}),
 * on the internal port like the rest of {@code /admin}. A class of its own: Jersey picks the resource
 * class with the longest literal path first, so under {@code /} it would lose to {@code /admin}.
 */
@Path("/admin/openapi.json")
public final class AdminOpenApiResource {
    public static final String ADMIN = "dexto/openapi/admin.json";

    private final byte[] spec = OpenApiResource.load(ADMIN);

    @GET
    public Response spec() {
        return Response.ok(spec, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
