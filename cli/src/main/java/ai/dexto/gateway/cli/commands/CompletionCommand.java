package ai.dexto.gateway.cli.commands;

import ai.dexto.gateway.cli.CliException;
import ai.dexto.gateway.cli.Ctx;
import ai.dexto.gateway.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code dexto completion bash|zsh}: a completion script for the shell ({@code source <(dexto completion
 * bash)}). zsh runs the bash script through {@code bashcompinit}.
 */
@Command(name = "completion", description = "Print a shell completion script: source <(dexto completion bash).")
public final class CompletionCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh")
    String shell;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Ctx ctx;

    public CompletionCommand(Ctx ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String script = AutoComplete.bash("dexto", spec.root().commandLine());
        switch (shell) {
            case "bash" -> ctx.out.print(script);
            case "zsh" -> {
                ctx.out.println("#compdef dexto");
                ctx.out.println("autoload -U +X compinit && compinit");
                ctx.out.println("autoload -U +X bashcompinit && bashcompinit");
                ctx.out.print(script);
            }
            default -> throw CliException.usage("completion: bash or zsh, not " + shell);
        }
        ctx.out.flush();
        return ExitCodes.OK;
    }
}
