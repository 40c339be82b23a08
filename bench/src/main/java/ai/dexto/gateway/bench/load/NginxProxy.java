package ai.dexto.gateway.bench.load;

import ai.dexto.gateway.e2e.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * nginx as a plain reverse proxy in front of the same upstream: keep-alive upstream pool, HTTP/1.1,
 * no buffering (so SSE streams flow through as they come), access log off — the configuration an
 * SRE would put in front of an LLM API.
 */
final class NginxProxy {
    private NginxProxy() {
    }

    /**
     * The nginx binary, installed from the distribution's packages (nginx-light) when missing and this
     * process may (root, apt-get present); null when there is none and it cannot be installed.
     */
    static String ensureInstalled() {
        String found = binary();
        if (found != null || !Files.isExecutable(Path.of("/usr/bin/apt-get"))
                || !"root".equals(System.getProperty("user.name"))) {
            return found;
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
                    + "apt-get install -y -qq nginx-light").inheritIO().start();
            p.waitFor();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return binary();
    }

    static String binary() {
        for (String candidate : new String[] {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    static Process start(Processes processes, Path dir, int listenPort, int upstreamPort) throws IOException {
        Files.createDirectories(dir.resolve("tmp"));
        String conf = """
                worker_processes auto;
                daemon off;
                master_process on;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 4096; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/tmp;
                    proxy_temp_path %1$s/tmp;
                    client_max_body_size 4m;
                    upstream llm { server 127.0.0.1:%3$d; keepalive 256; }
                    server {
                        listen 127.0.0.1:%2$d;
                        keepalive_requests 1000000;
                        location / {
                            proxy_pass http://llm;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_buffering off;
                            proxy_request_buffering off;
                        }
                    }
                }
                """.formatted(dir.toAbsolutePath(), listenPort, upstreamPort);
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        return processes.start("nginx", List.of(binary(), "-c", file.toAbsolutePath().toString(), "-p",
                dir.toAbsolutePath().toString()), Map.of());
    }
}
