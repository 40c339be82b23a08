package ai.dexto.gateway.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The gateway process refuses the development secrets outside a local run, before it listens. */
@Timeout(60)
class DevelopmentSecretsIT {
    @TempDir
    Path dir;

    private Process gateway(Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dio.netty") || arg.startsWith("-Dchronicle")) {
                cmd.add(arg); // the flags Chronicle and Netty need on Java 17, as the test JVM has them
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), GatewayMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("DEXTO_") || k.equals("ENCRYPTION_KEY"));
        pb.environment().put("DEXTO_DATA_DIR", dir.toString());
        pb.environment().put("DEXTO_GATEWAY_PORT", "0");
        pb.environment().put("DEXTO_GATEWAY_OPS_PORT", "0");
        pb.environment().put("DEXTO_UPSTREAM_URL", "http://127.0.0.1:1/api/v1");
        pb.environment().put("DEXTO_CONTROL_URL", "http://127.0.0.1:1");
        pb.environment().put("DEXTO_GATEWAY_WARMUP_MS", "500"); // what is checked comes before and after it
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void developmentSecretsOutsideALocalRunExitNonZeroNamingEachOne() throws Exception {
        Process p = gateway(Map.of());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("DEXTO_INTERNAL_TOKEN") && out.contains("ENCRYPTION_KEY"), out);
        assertTrue(!out.contains("GATEWAY READY"), "it never listened");
        assertTrue(Files.notExists(dir.resolve("journal")), "nothing was written");
    }

    @Test
    void realSecretsOrALocalRunStart() throws Exception {
        for (Map<String, String> env : List.of(Map.of("DEXTO_ENV", "local"),
                Map.of("DEXTO_INTERNAL_TOKEN", "a-real-token", "ENCRYPTION_KEY",
                        java.util.Base64.getEncoder().encodeToString(new byte[32])))) {
            Process p = gateway(env);
            try {
                StringBuilder out = new StringBuilder();
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        out.append(line).append('\n');
                        if (line.startsWith("GATEWAY READY")) {
                            break;
                        }
                    }
                }
                assertTrue(out.toString().contains("GATEWAY READY"), env + ": " + out);
            } finally {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
        }
    }
}
