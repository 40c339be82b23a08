package ai.dexto.gateway.e2e;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the parts under test as separate processes, as production runs them, and stops them all.
 * Each one logs to its own file under the run's directory.
 */
public final class Processes implements AutoCloseable {
    private final Path logDir;
    private final List<Process> started = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public Processes(Path logDir) throws IOException {
        this.logDir = Files.createDirectories(logDir);
    }

    public Process start(String name, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logDir.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    public Process startJava(String name, String jar, List<String> args, Map<String, String> env) throws IOException {
        return startJava(name, jar, List.of(), args, env);
    }

    /** Runs {@code java -jar}; a jar not built yet is named with how to build it. */
    public Process startJava(String name, String jar, List<String> jvmOptions, List<String> args,
                             Map<String, String> env) throws IOException {
        if (!new File(jar).isFile()) {
            throw new IllegalStateException(jar + " is missing: build first (mvn -B -DskipTests package)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dio.netty.tryReflectionSetAccessible=true");
        command.add("-Dchronicle.announcer.disable=true");
        command.add("-Dchronicle.analytics.disable=true");
        command.add("-XX:+UseParallelGC");
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(new File(jar).getAbsolutePath());
        command.addAll(args);
        return start(name, command, env);
    }

    /** Waits until {@code url} answers 2xx, failing fast if the process died. */
    public void awaitHttp(String name, Process p, String url, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see "
                        + logDir.resolve(name + ".log"));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + " did not answer " + url + " in " + timeout);
    }

    /** Stops one process (SIGTERM, then SIGKILL after 10 s), e.g. to take the control plane away. */
    public void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
        started.remove(p);
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).destroy();
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
