package ai.dexto.gateway.cli;

import ai.dexto.gateway.cli.commands.BillingCommand;
import ai.dexto.gateway.cli.commands.ChatCommand;
import ai.dexto.gateway.cli.commands.CompletionCommand;
import ai.dexto.gateway.cli.commands.KeysCommand;
import ai.dexto.gateway.cli.commands.LoginCommand;
import ai.dexto.gateway.cli.commands.LogoutCommand;
import ai.dexto.gateway.cli.commands.ModelsCommand;
import ai.dexto.gateway.cli.commands.WhoamiCommand;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dexto}: the customer's command line for the Dexto gateway. Commands get a {@link Ctx} through
 * the factory (no static state); failures become one line on stderr and an exit code of
 * {@link ExitCodes}. Only the command being run is modelled: picocli reflects over every command it is
 * given, and building all of them costs more start-up time than the command's own work.
 */
@Command(name = "dexto", mixinStandardHelpOptions = true, version = "dexto (Java) 0.1.0",
        description = "Dexto: sign in, chat, and manage your keys and credits.")
public final class DextoCli implements Runnable {
    private static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put("login", LoginCommand.class);
        m.put("logout", LogoutCommand.class);
        m.put("whoami", WhoamiCommand.class);
        m.put("keys", KeysCommand.class);
        m.put("billing", BillingCommand.class);
        m.put("models", ModelsCommand.class);
        m.put("chat", ChatCommand.class);
        m.put("completion", CompletionCommand.class);
        m.put("help", CommandLine.HelpCommand.class);
        return m;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Ctx ctx = new Ctx(new Env(System.getenv(), System.console() != null), out, err, in);
        System.exit(run(ctx, args));
    }

    public static int run(Ctx ctx, String... args) {
        // a known command other than help/completion: model just that one; otherwise all of them
        String only = args.length > 0 && COMMANDS.containsKey(args[0]) && !args[0].equals("help")
                && !args[0].equals("completion") ? args[0] : null;
        return commandLine(ctx, only).execute(args);
    }

    /** The command line with every command, or only {@code onlyCommand} when it is not null. */
    public static CommandLine commandLine(Ctx ctx, String onlyCommand) {
        Factory factory = new Factory(ctx);
        CommandLine cli = new CommandLine(new DextoCli(), factory);
        for (Map.Entry<String, Class<?>> c : COMMANDS.entrySet()) {
            if (onlyCommand == null || onlyCommand.equals(c.getKey())) {
                try {
                    cli.addSubcommand(c.getKey(), new CommandLine(factory.create(c.getValue()), factory));
                } catch (Exception e) {
                    throw new IllegalStateException("cannot build the " + c.getKey() + " command", e);
                }
            }
        }
        cli.setOut(new java.io.PrintWriter(ctx.out, true));
        cli.setErr(new java.io.PrintWriter(ctx.err, true));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(ctx.style.on()
                ? CommandLine.Help.Ansi.ON : CommandLine.Help.Ansi.OFF));
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof CliException c) {
                ctx.err.println(ctx.style.red("error: ") + c.getMessage());
                return c.exitCode();
            }
            if (e instanceof UncheckedIOException io) {
                ctx.err.println(ctx.style.red("error: ") + io.getMessage());
                return ExitCodes.ERROR;
            }
            ctx.err.println(ctx.style.red("error: ") + e);
            return ExitCodes.ERROR;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Builds commands with the context when they take one. */
    private static final class Factory implements CommandLine.IFactory {
        private final Ctx ctx;
        private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

        Factory(Ctx ctx) {
            this.ctx = ctx;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            for (Constructor<?> c : cls.getDeclaredConstructors()) {
                if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Ctx.class) {
                    return cls.cast(c.newInstance(ctx));
                }
            }
            return fallback.create(cls);
        }
    }
}
