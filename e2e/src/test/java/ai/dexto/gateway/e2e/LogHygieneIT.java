package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs after every other end-to-end test (its own failsafe execution, e2e/pom.xml) and reads every log
 * file of every process those tests started: the simulator, the control plane and the gateway of each
 * system. It fails on anything that must never be logged (docs/logging.md): an API key, an upstream
 * or provisioning key, a Stripe secret or webhook secret or signature, a session JWT, a bearer header,
 * the system's own tokens, or a prompt the suite sent (each carries {@link LocalSystem#PROMPT_MARK}).
 * A finding is reported by file, line and kind, never with the secret itself.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogHygieneIT {
    private static final List<Forbidden> FORBIDDEN = forbidden();

    private record Forbidden(String kind, Pattern pattern) {
    }

    private static List<Forbidden> forbidden() {
        Map<String, Pattern> p = new LinkedHashMap<>();
        p.put("API key", Pattern.compile("dxt_[A-Za-z0-9_-]{8,}"));
        p.put("upstream or provisioning key", Pattern.compile("sk-or-[A-Za-z0-9_-]{4,}"));
        p.put("Stripe secret key", Pattern.compile("\\b[sr]k_(?:test|live)_[A-Za-z0-9_]{3,}"));
        p.put("webhook secret", Pattern.compile("whsec_[A-Za-z0-9_]{4,}"));
        p.put("Stripe signature", Pattern.compile("v1=[0-9a-f]{64}"));
        // base64url of '{"' opens both the header and the payload of every JWT
        p.put("JWT", Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{8,}"));
        p.put("bearer credential", Pattern.compile("(?i)bearer\\s+[A-Za-z0-9._~+/=-]{8,}"));
        p.put("prompt", Pattern.compile(Pattern.quote(LocalSystem.PROMPT_MARK)));
        p.put("request body", Pattern.compile("\\\\?\"messages\\\\?\"\\s*:\\s*\\["));
        List<Forbidden> all = new ArrayList<>();
        p.forEach((kind, pattern) -> all.add(new Forbidden(kind, pattern)));
        for (String secret : List.of(LocalSystem.JWT_SECRET, LocalSystem.ADMIN_TOKEN, LocalSystem.INTERNAL_TOKEN,
                LocalSystem.ENCRYPTION_KEY, LocalSystem.PROVISIONING_KEY, LocalSystem.STRIPE_SECRET_KEY,
                LocalSystem.STRIPE_WEBHOOK_SECRET)) {
            all.add(new Forbidden("configured secret", Pattern.compile(Pattern.quote(secret))));
        }
        ExternalDatabase db = ExternalDatabase.fromEnvironment();
        if (db != null && !db.password().isEmpty()) {
            all.add(new Forbidden("database password", Pattern.compile(Pattern.quote(db.password()))));
        }
        return List.copyOf(all);
    }

    @Test
    void noProcessLoggedASecretOrAPrompt() throws IOException {
        String root = System.getProperty(LocalSystem.LOG_ROOT_PROPERTY);
        assumeTrue(root != null && Files.isDirectory(Path.of(root)),
                "no end-to-end system ran in this build (" + LocalSystem.LOG_ROOT_PROPERTY + "=" + root + ")");
        List<Path> logs;
        try (Stream<Path> files = Files.walk(Path.of(root))) {
            logs = files.filter(Files::isRegularFile).filter(f -> f.toString().endsWith(".log")).sorted().toList();
        }
        assumeTrue(!logs.isEmpty(), "no log files under " + root);
        List<String> findings = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            lines += scan(log, findings);
        }
        if (!findings.isEmpty()) {
            fail(findings.size() + " forbidden values in " + logs.size() + " log files (" + lines + " lines):\n"
                    + String.join("\n", findings.subList(0, Math.min(50, findings.size()))));
        }
        assertTrue(logs.stream().anyMatch(f -> f.getFileName().toString().equals("gateway.log")), logs::toString);
        assertTrue(logs.stream().anyMatch(f -> f.getFileName().toString().equals("controlplane.log")), logs::toString);
        System.out.println("log hygiene: " + logs.size() + " files, " + lines + " lines, clean");
    }

    /** The check itself can fail: each kind of secret, written as a careless log line would, is found. */
    @Test
    void theScanFindsEveryKindOfSecret(@TempDir Path dir) throws IOException {
        String apiKey = ApiKeys.generate(new SecureRandom());
        String jwt = sampleJwt();
        List<String> samples = List.of(
                "{\"message\":\"auth failed for " + apiKey + "\"}",
                "{\"message\":\"upstream key sk-or-v1-0123456789abcdef refused\"}",
                "{\"message\":\"stripe sk_live_51HxYz\"}",
                "{\"message\":\"secret whsec_abcdef123\"}",
                "{\"message\":\"Stripe-Signature: t=1,v1=" + "ab".repeat(32) + "\"}",
                "{\"message\":\"session " + jwt + "\"}",
                "{\"message\":\"Authorization: Bearer abcdefghijkl\"}",
                "{\"message\":\"" + LocalSystem.prompt("hello") + "\"}",
                "{\"message\":\"body {\\\"model\\\":\\\"m\\\",\\\"messages\\\":[]}\"}",
                "{\"message\":\"admin " + LocalSystem.ADMIN_TOKEN + "\"}");
        Path log = Files.write(dir.resolve("careless.log"), samples);
        List<String> findings = new ArrayList<>();
        scan(log, findings);
        for (int i = 1; i <= samples.size(); i++) {
            String at = log + ":" + i + ": ";
            assertTrue(findings.stream().anyMatch(f -> f.startsWith(at)), "line " + i + " not found: " + findings);
        }
        assertTrue(findings.stream().noneMatch(f -> f.contains(apiKey.substring(4))), "findings never repeat a secret");
        Path clean = Files.write(dir.resolve("clean.log"), List.of("{\"time\":\"2026-12-01T09:30:12.345Z\","
                + "\"logger\":\"ai.dexto.gateway.controlplane.provisioning.UpstreamKeysClient\",\"message\":"
                + "\"key ••••abcd rotated\",\"request_id\":\"019a7c1e-21b9-76b4-8bc3-bf2764f1184e\"}"));
        List<String> none = new ArrayList<>();
        scan(clean, none);
        assertTrue(none.isEmpty(), none::toString);
    }

    private static String sampleJwt() {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject("u")
                    .audience("authenticated").build());
            jwt.sign(new MACSigner("x".repeat(32).getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds each finding as "file:line: kind (abc…)"; returns the lines read. */
    private static long scan(Path log, List<String> findings) throws IOException {
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                for (Forbidden f : FORBIDDEN) {
                    Matcher m = f.pattern().matcher(line);
                    if (m.find()) {
                        String hit = m.group();
                        findings.add(log + ":" + n + ": " + f.kind() + " (" + hit.substring(0, Math.min(4, hit.length()))
                                + "…)");
                    }
                }
            }
        }
        return n;
    }
}
