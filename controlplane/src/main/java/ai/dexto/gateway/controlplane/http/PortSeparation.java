package ai.dexto.gateway.controlplane.http;

import ai.dexto.gateway.controlplane.errors.ErrorBody;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * {@code /admin/*} and {@code /internal/*} answer only on the internal port, everything else only on
 * the public one; elsewhere they are 404, as if absent. Decided after Jersey matched the resource,
 * from the matched path template, so no spelling of a path ({@code //admin}, {@code %61dmin},
 * matrix parameters) reaches an internal resource through the public port.
 */
public final class PortSeparation implements ContainerRequestFilter {
    @Context
    private ExtendedUriInfo uriInfo;

    @Override
    public void filter(ContainerRequestContext request) {
        boolean internalPort = Boolean.TRUE.equals(request.getProperty(ConnectorTagFilter.INTERNAL_ATTRIBUTE));
        if (internalPort != isInternal(template())) {
            request.abortWith(ErrorBody.response(404, "not_found_error", "not_found", "Not found"));
        }
    }

    /** The matched resource's full path template, e.g. {@code /admin/users/{id}}. */
    private String template() {
        StringBuilder path = new StringBuilder();
        var templates = uriInfo.getMatchedTemplates(); // innermost first
        for (int i = templates.size() - 1; i >= 0; i--) {
            UriTemplate t = templates.get(i);
            String part = t.getTemplate();
            if (!part.startsWith("/")) {
                path.append('/');
            }
            path.append(part);
        }
        return path.toString().replaceAll("/{2,}", "/");
    }

    static boolean isInternal(String template) {
        return template.equals("/admin") || template.startsWith("/admin/")
                || template.equals("/internal") || template.startsWith("/internal/");
    }
}
