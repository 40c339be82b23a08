package ai.dexto.gateway.controlplane.support;

import ai.dexto.gateway.controlplane.ControlPlaneApplication;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The control plane as a real child JVM (the test classpath, {@code ops/config/controlplane.yml}),
 * with none of this JVM's DEXTO_* or secret environment: for tests of the start path and of kill -9.
 */
public final class ControlPlaneProcess {
    private ControlPlaneProcess() {
    }

    public static Process start(Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-") || a.startsWith("-Dchronicle")).forEach(cmd::add);
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ControlPlaneApplication.class.getName());
        cmd.add("server");
        cmd.add(ControlPlaneHarness.CONFIG);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("DEXTO_") || k.equals("ENCRYPTION_KEY")
                || k.startsWith("STRIPE_") || k.startsWith("OPENROUTER_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The HTTP status of {@code GET url}, or -1 while nothing answers. */
    public static int status(String url) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(5000);
            return c.getResponseCode();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits until {@code url} answers 200 while {@code p} lives. */
    public static boolean awaitOk(Process p, String url, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (p.isAlive() && System.currentTimeMillis() < deadline) {
            if (status(url) == 200) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
