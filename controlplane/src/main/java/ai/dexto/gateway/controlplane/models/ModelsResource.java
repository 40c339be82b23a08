package ai.dexto.gateway.controlplane.models;

import ai.dexto.gateway.controlplane.errors.ApiException;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /api/models} (public): the models customers can call and what they cost, for the
 * dashboard's models page. Under {@code /api} so it answers at the one public base URL.
 */
@Path("/api/models")
@Produces(MediaType.APPLICATION_JSON)
public final class ModelsResource {
    public record Models(@JsonProperty("data") List<ModelCatalog.Model> data) {
    }

    private final ModelCatalog catalog;

    public ModelsResource(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    public Models models() {
        List<ModelCatalog.Model> models = catalog.models();
        if (models == null) {
            throw new ApiException(503, "api_error", "models_unavailable", "The model list is not available yet; retry shortly.");
        }
        return new Models(models);
    }
}
