package ai.dexto.gateway.cli.commands;

import picocli.CommandLine.Command;

/** {@code dexto billing status|history|topup}. */
@Command(name = "billing", description = "Balance, usage history and top-ups.",
        subcommands = {BillingStatus.class, BillingHistory.class, BillingTopup.class})
public final class BillingCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
