package ai.dexto.gateway.controlplane.dashboard;

import ai.dexto.gateway.controlplane.config.ControlPlaneConfiguration;
import ai.dexto.gateway.controlplane.config.DashboardSettings;
import io.dropwizard.assets.AssetsBundle;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;

/**
 * The customer dashboard on the public port: pages at their paths ({@link DashboardPages}), scripts
 * and styles under {@code /assets} (plain ES modules, no build step), the chart library from its
 * WebJar under {@code /webjars}, the runtime config at {@code /config.json}, and security headers on
 * every response ({@link SecurityHeaders}).
 */
public final class DashboardModule {
    private DashboardModule() {
    }

    public static void initialize(Bootstrap<ControlPlaneConfiguration> bootstrap) {
        bootstrap.addBundle(new AssetsBundle("/dashboard/assets", "/assets", null, "dashboard-assets"));
        bootstrap.addBundle(new AssetsBundle("/META-INF/resources/webjars", "/webjars", null, "webjars"));
    }

    /** Registers the filters first, so the headers reach every response, pages and API alike. */
    public static void register(ControlPlaneConfiguration config, Environment env) {
        DashboardSettings s = config.getDashboard();
        String apiUrl = DashboardSettings.url(s.apiUrl);
        String authUrl = DashboardSettings.url(s.authUrl);
        env.servlets().addFilter("security-headers", new SecurityHeaders(apiUrl, authUrl))
                .addMappingForUrlPatterns(EnumSet.allOf(DispatcherType.class), true, "/*");
        env.servlets().addFilter("dashboard-pages", new DashboardPages())
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
        env.jersey().register(new DashboardConfigResource(new DashboardConfigResource.DashboardConfig(
                apiUrl, authUrl, s.authAnonKey == null ? "" : s.authAnonKey.trim(),
                config.getStripe().packsUsd)));
    }
}
