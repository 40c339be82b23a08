package ai.dexto.gateway.controlplane.resources;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.json}: the public API's description (OpenAPI 3.1, {@code docs/openapi/public.json},
 * on the classpath from {@code common}). Read once at start; unauthenticated, as it holds no secret.
 */
@Path("/openapi.json")
public final class OpenApiResource {
    public static final String PUBLIC = "dexto/openapi/public.json";

    private final byte[] spec = load(PUBLIC);

    @GET
    public Response spec() {
        return Response.ok(spec, MediaType.APPLICATION_JSON_TYPE).build();
    }

    static byte[] load(String resource) {
        try (InputStream in = OpenApiResource.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath (common jar)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
