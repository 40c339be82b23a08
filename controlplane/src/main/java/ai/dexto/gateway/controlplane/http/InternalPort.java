package ai.dexto.gateway.controlplane.http;

import ai.dexto.gateway.controlplane.config.InternalPortSettings;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.dropwizard.jetty.HttpsConnectorFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * The internal port: one more Jetty connector on the application's servlet context, named
 * {@value #CONNECTOR_NAME} so {@link ConnectorTagFilter} can tell its requests apart. It is added
 * before Dropwizard builds the server, from our own settings rather than the {@code server} YAML, so
 * plain HTTP or TLS is chosen by whether a certificate is configured.
 */
public final class InternalPort {
    public static final String CONNECTOR_NAME = "internal";

    private InternalPort() {
    }

    public static void addTo(ServerFactory serverFactory, InternalPortSettings settings) {
        if (!(serverFactory instanceof DefaultServerFactory server)) {
            throw new IllegalStateException("server.type must be 'default': the internal port is one more "
                    + "application connector");
        }
        List<ConnectorFactory> connectors = new ArrayList<>(server.getApplicationConnectors());
        connectors.add(settings.tls() ? new Tls(settings) : new Plain(settings));
        server.setApplicationConnectors(connectors);
    }

    private static final class Plain extends HttpConnectorFactory {
        Plain(InternalPortSettings s) {
            setBindHost(s.bindHost);
            setPort(s.port);
        }

        @Override
        public Connector build(Server server, MetricRegistry metrics, String name, ThreadPool threadPool) {
            return super.build(server, metrics, CONNECTOR_NAME, threadPool);
        }
    }

    private static final class Tls extends HttpsConnectorFactory {
        private final KeyStore keyStore;

        Tls(InternalPortSettings s) {
            setBindHost(s.bindHost);
            setPort(s.port);
            if (s.tlsKeyFile == null || s.tlsKeyFile.isBlank()) {
                throw new IllegalArgumentException("internalPort.tlsKeyFile (DEXTO_CONTROL_INTERNAL_TLS_KEY) is "
                        + "required with a certificate");
            }
            try {
                keyStore = PemKeyStore.load(Path.of(s.tlsCertFile), Path.of(s.tlsKeyFile));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("internal port TLS: " + e.getMessage(), e);
            }
        }

        @Override
        public Connector build(Server server, MetricRegistry metrics, String name, ThreadPool threadPool) {
            return super.build(server, metrics, CONNECTOR_NAME, threadPool);
        }

        @Override
        protected SslContextFactory.Server configureSslContextFactory(SslContextFactory factory) {
            SslContextFactory.Server ssl = super.configureSslContextFactory(factory);
            ssl.setKeyStore(keyStore);
            ssl.setKeyStoreType("PKCS12");
            ssl.setKeyStorePassword(PemKeyStore.PASSWORD);
            ssl.setKeyManagerPassword(PemKeyStore.PASSWORD);
            return ssl;
        }
    }
}
