package ai.dexto.gateway.controlplane.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.List;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

/**
 * Records the route template Jersey matched ({@code /admin/users/{id}}) as a request attribute, so the
 * request line logs the route rather than the ids in the path. Jersey keeps request properties in
 * the servlet request's attributes, where {@link RequestLogFilter} reads it.
 */
public final class RouteTemplateFilter implements ContainerResponseFilter {
    static final String ATTRIBUTE = "dexto.route-template";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo info)) {
            return;
        }
        List<UriTemplate> templates = info.getMatchedTemplates(); // innermost first
        if (templates.isEmpty()) {
            return;
        }
        StringBuilder path = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
            String t = templates.get(i).getTemplate();
            if (!t.isEmpty() && !t.equals("/")) {
                path.append(t.startsWith("/") ? "" : "/").append(t);
            }
        }
        request.setProperty(ATTRIBUTE, path.length() == 0 ? "/" : path.toString().replaceAll("/{2,}", "/"));
    }
}
