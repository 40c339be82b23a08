package ai.dexto.gateway.controlplane.commands;

import ai.dexto.gateway.controlplane.config.ControlPlaneConfiguration;
import ai.dexto.gateway.controlplane.db.Database;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.nio.file.Path;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/** {@code db migrate <config>}: applies pending Flyway migrations and exits (the server also does at start). */
public final class DbCommand extends ConfiguredCommand<ControlPlaneConfiguration> {
    public DbCommand() {
        super("db", "Database tasks: migrate");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("migrate").help("migrate: apply pending migrations");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<ControlPlaneConfiguration> bootstrap, Namespace namespace,
                       ControlPlaneConfiguration configuration) throws Exception {
        Database db = Database.open(configuration.getDatabase(), Path.of(configuration.getDataDir()), null, null);
        try {
            int applied = db.migrate();
            System.out.println("migrations applied: " + applied);
        } finally {
            db.close();
        }
    }
}
