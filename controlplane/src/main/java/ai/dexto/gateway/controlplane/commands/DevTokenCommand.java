package ai.dexto.gateway.controlplane.commands;

import ai.dexto.gateway.controlplane.auth.SessionTokens;
import ai.dexto.gateway.controlplane.config.ControlPlaneConfiguration;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.time.Duration;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code dev-token --user-id <id> [--email e] <config>}: prints a one-hour HS256 session JWT signed with
 * the configured secret, as Supabase would issue it, so a local run can call {@code /api/provision}.
 */
public final class DevTokenCommand extends ConfiguredCommand<ControlPlaneConfiguration> {
    public DevTokenCommand() {
        super("dev-token", "Print a session JWT for a user, signed with the configured DEXTO_JWT_SECRET");
    }

    @Override
    public void configure(Subparser subparser) {
        super.configure(subparser);
        subparser.addArgument("--user-id").dest("userId").required(true).help("the user id (JWT sub)");
        subparser.addArgument("--email").dest("email").help("the user's email claim");
        subparser.addArgument("--ttl-seconds").dest("ttl").type(Long.class).setDefault(3600L)
                .help("lifetime of the token");
    }

    @Override
    protected void run(Bootstrap<ControlPlaneConfiguration> bootstrap, Namespace namespace,
                       ControlPlaneConfiguration configuration) {
        SessionTokens tokens = new SessionTokens(configuration.getAuth().jwtSecret,
                configuration.getAuth().jwtAudience, null, configuration.getAuth().jwtIssuer);
        String token = tokens.issue(namespace.getString("userId"), namespace.getString("email"),
                Duration.ofSeconds(namespace.getLong("ttl")));
        System.out.println(token);
        System.out.flush();
    }
}
