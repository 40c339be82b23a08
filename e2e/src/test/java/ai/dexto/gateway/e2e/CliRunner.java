package ai.dexto.gateway.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@code cli/bin/dexto} as the customer does: a real process with its own {@code DEXTO_HOME},
 * pointed at a {@link LocalSystem}, never opening a browser. {@link #pty} runs it under a pseudo-terminal
 * ({@code script} from util-linux), where colour and prompts are on.
 */
final class CliRunner {
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    private final Path launcher;
    private final Path home;
    private final Map<String, String> env = new HashMap<>();

    CliRunner(LocalSystem system, Path home) {
        this.launcher = LocalSystem.findRepo().resolve("cli/bin/dexto");
        this.home = home;
        env.put("DEXTO_HOME", home.toString());
        env.put("DEXTO_API_URL", system.gatewayUrl()); // one base URL: the gateway forwards account paths
        env.put("DEXTO_DASHBOARD_URL", "http://dashboard.test");
        env.put("BROWSER", "none");
    }

    Path home() {
        return home;
    }

    CliRunner env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    Run run(String... args) throws Exception {
        return runWithInput(null, args);
    }

    Run runWithInput(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        Process p = start(command);
        if (stdin != null) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            p.getOutputStream().close();
        }
        return finish(p, 60);
    }

    /** Under a pseudo-terminal: stdout and stderr arrive merged, as a terminal shows them. */
    Run pty(String stdin, String... args) throws Exception {
        StringBuilder line = new StringBuilder(quote(launcher.toString()));
        for (String a : args) {
            line.append(' ').append(quote(a));
        }
        Process p = start(List.of("script", "-qefc", line.toString(), "/dev/null"));
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
                in.flush();
            }
        }
        return finish(p, 60);
    }

    Process start(List<String> command) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command);
        b.environment().remove("DEXTO_API_KEY");
        b.environment().remove("NO_COLOR");
        b.environment().remove("CLICOLOR_FORCE");
        b.environment().remove("CI");
        b.environment().putAll(env);
        return b.start();
    }

    static Run finish(Process p, int seconds) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread o = pump(p.getInputStream(), out);
        Thread e = pump(p.getErrorStream(), err);
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new TimeoutException("dexto did not finish in " + seconds + " s:\n" + out + "\n" + err);
        }
        o.join(5000);
        e.join(5000);
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Thread pump(InputStream in, ByteArrayOutputStream sink) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(sink);
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    String readHome(String file) throws IOException {
        return Files.readString(home.resolve(file));
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
