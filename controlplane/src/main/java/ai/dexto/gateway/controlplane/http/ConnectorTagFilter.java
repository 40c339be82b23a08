package ai.dexto.gateway.controlplane.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * Marks each request with whether it arrived on the internal connector, for {@link PortSeparation}
 * (Jersey sees servlet request attributes as its request properties). The connector, not the port
 * number, decides: two connectors may share a port number on different addresses.
 */
public final class ConnectorTagFilter implements Filter {
    static final String INTERNAL_ATTRIBUTE = "dexto.internal-port";

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(req);
        boolean internal = jetty != null
                && InternalPort.CONNECTOR_NAME.equals(jetty.getConnectionMetaData().getConnector().getName());
        req.setAttribute(INTERNAL_ATTRIBUTE, internal);
        chain.doFilter(req, res);
    }
}
