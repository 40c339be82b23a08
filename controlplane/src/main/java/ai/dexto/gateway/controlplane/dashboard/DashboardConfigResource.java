package ai.dexto.gateway.controlplane.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code GET /config.json}: the runtime configuration the dashboard's scripts read first: where the
 * API and Supabase Auth are, and the credit packs on sale. Public and secret-free by construction.
 */
@Path("/config.json")
@Produces(MediaType.APPLICATION_JSON)
public final class DashboardConfigResource {
    public record DashboardConfig(@JsonProperty("apiUrl") String apiUrl,
                                  @JsonProperty("authUrl") String authUrl,
                                  @JsonProperty("authAnonKey") String authAnonKey,
                                  @JsonProperty("creditPacksUsd") List<Long> creditPacksUsd) {
    }

    private final DashboardConfig config;

    public DashboardConfigResource(DashboardConfig config) {
        this.config = config;
    }

    @GET
    public Response config() {
        CacheControl cache = new CacheControl();
        cache.setNoCache(true);
        return Response.ok(config).cacheControl(cache).build();
    }
}
