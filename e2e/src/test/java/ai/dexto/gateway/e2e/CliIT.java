package ai.dexto.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dexto} CLI as a customer uses it, through the whole running system: device login approved
 * through the API with a session of the simulated Supabase Auth, chat with its cost and balance line,
 * billing status showing the request, the low-balance warning, the 402 message and exit code, key
 * rotation, {@code --json}, and (under a pseudo-terminal) colour and the confirmation prompt.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliIT {
    private static final Pattern USER_CODE = Pattern.compile("User code: ([B-Z]{4}-[B-Z]{4})");
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");
    static LocalSystem system;

    @BeforeAll
    static void start() throws Exception {
        system = SharedSystem.get();
    }

    /** Signs a new user up on the simulated Supabase Auth and logs the CLI in as them, approving through the API. */
    private static LocalSystem.AuthSession login(CliRunner cli) throws Exception {
        LocalSystem.AuthSession session = system.signUp("cli-" + UUID.randomUUID() + "@dexto.test", "cli-password-1");
        Process p = cli.start(List.of(LocalSystem.findRepo().resolve("cli/bin/dexto").toString(), "login"));
        p.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String code = null;
        for (String line = out.readLine(); line != null && code == null; line = out.readLine()) {
            seen.append(line).append('\n');
            Matcher m = USER_CODE.matcher(line);
            if (m.find()) {
                code = m.group(1);
            }
        }
        assertTrue(code != null, "no 'User code:' line in " + seen);
        HttpResponse<String> approved = system.send("POST", system.controlUrl() + "/api/auth/device/approve",
                session.accessToken(), "{\"userCode\":\"" + code + "\"}");
        assertEquals(200, approved.statusCode(), approved.body());
        StringBuilder rest = new StringBuilder();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            rest.append(line).append('\n');
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "login did not finish");
        assertEquals(0, p.exitValue(), seen + rest.toString());
        assertTrue(rest.toString().contains("Signed in as " + session.email()), rest.toString());
        return session;
    }

    private static String gatewayKey(CliRunner cli) throws Exception {
        String env = cli.readHome(".env");
        Matcher m = Pattern.compile("DEXTO_API_KEY=(dxt_\\w+)").matcher(env);
        assertTrue(m.find(), env);
        return m.group(1);
    }

    @Test
    void deviceLoginThenChatShowsCostAndBalanceAndBillingStatusShowsTheRequest(@TempDir Path home) throws Exception {
        CliRunner cli = new CliRunner(system, home);
        LocalSystem.AuthSession session = login(cli);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".env"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("auth.json"))));
        JsonNode auth = system.json(cli.readHome("auth.json"));
        assertEquals(session.userId(), auth.path("userId").asText());
        assertEquals("provisioned", auth.path("dextoApiKeySource").asText());
        assertEquals(gatewayKey(cli), auth.path("dextoApiKey").asText());

        CliRunner.Run chat = cli.run("chat", "--max-tokens", "20", "hello");
        assertEquals(0, chat.exit(), chat.toString());
        assertFalse(chat.out().isBlank(), "the answer streams to stdout: " + chat);
        assertTrue(Pattern.compile("cost \\$0\\.\\d{6,} · balance \\$\\d+\\.\\d\\d").matcher(chat.err()).find(), chat.toString());
        assertFalse(ANSI.matcher(chat.out() + chat.err()).find(), "no colour into a pipe: " + chat);

        JsonNode status = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            CliRunner.Run r = cli.run("billing", "status", "--json");
            assertEquals(0, r.exit(), r.toString());
            status = system.json(r.out());
            if (status.at("/monthToDate/requests").asInt() == 1) {
                break;
            }
            Thread.sleep(200); // the drain commits the request within a moment; poll with a deadline
        }
        assertEquals(1, status.at("/monthToDate/requests").asInt(), status.toString());
        assertTrue(status.at("/monthToDate/costUsd").asText().matches("0\\.\\d+"), status.toString());
        assertEquals(1, status.at("/topModels").size(), status.toString());
        assertTrue(status.at("/last7Days/daysLeft").isTextual(), status.toString());
        assertTrue(status.path("balanceUsd").asText().startsWith("9.99"), status.toString());

        CliRunner.Run human = cli.run("billing", "status");
        assertTrue(human.out().contains("This month:  1 requests"), human.toString());
        assertTrue(human.out().contains("Burn rate:"), human.toString());

        JsonNode whoami = system.json(cli.run("whoami", "--json").out());
        assertEquals(session.email(), whoami.path("email").asText());
        assertEquals(".env", whoami.path("keySource").asText());
        JsonNode keys = system.json(cli.run("keys", "list", "--json").out());
        assertEquals("active", keys.at("/keys/0/status").asText(), keys.toString());
        JsonNode history = system.json(cli.run("billing", "history", "--json").out());
        assertEquals(1, history.path("requests").size(), history.toString());
        JsonNode models = system.json(cli.run("models", "--search", "mini", "--json").out());
        assertTrue(models.path("models").size() >= 1, models.toString());
        models.path("models").forEach(m -> assertTrue(m.path("id").asText().contains("mini"), m.toString()));

        CliRunner.Run logout = cli.run("logout");
        assertEquals(0, logout.exit(), logout.toString());
        assertFalse(Files.exists(home.resolve("auth.json")));
        assertEquals(4, cli.run("billing", "status").exit(), "signed out: exit 4");
    }

    @Test
    void theLowBalanceWarningAppearsOnceAndOnlyBelowOneDollarAndA402ExitsFive(@TempDir Path home) throws Exception {
        LocalSystem.User user = system.provisionUser();
        // the balance probes below are many quick requests: no per-minute limit for this user
        system.admin("PUT", "/users/" + user.id() + "/tier", "{\"tier\":\"unlimited\"}");
        CliRunner cli = new CliRunner(system, home).env("DEXTO_API_KEY", user.apiKey());
        setBalance(user, "1.50");
        CliRunner.Run above = cli.run("chat", "--max-tokens", "5", "hi");
        assertEquals(0, above.exit(), above.toString());
        assertFalse(above.err().contains("Low balance"), above.toString());

        setBalance(user, "0.80");
        CliRunner.Run below = cli.run("chat", "--max-tokens", "5", "hi");
        assertEquals(0, below.exit(), below.toString());
        assertTrue(Pattern.compile("(?m)^⚠️  Low balance: \\$0\\.\\d\\d remaining\\. Top up at http://dashboard\\.test/billing$")
                .matcher(below.err()).find(), below.toString());
        CliRunner.Run again = cli.run("chat", "--max-tokens", "5", "hi");
        assertFalse(again.err().contains("Low balance"), "at most once an hour across one-shot calls: " + again);

        // a prompt loop is its own session: once in it, however many answers
        Files.delete(home.resolve("cli-state.json"));
        CliRunner.Run loop = cli.runWithInput("first\nsecond\n", "chat", "--max-tokens", "5");
        assertEquals(0, loop.exit(), loop.toString());
        assertEquals(1, loop.err().split("Low balance", -1).length - 1, loop.toString());

        setBalance(user, "0.00");
        CliRunner.Run refused = cli.run("chat", "hi");
        assertEquals(5, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("Insufficient credits ($0.00 remaining). Top up at http://dashboard.test/billing"),
                refused.toString());
    }

    @Test
    void keysRotateUpdatesTheEnvFileAndTheOldKeyStopsWorking(@TempDir Path home) throws Exception {
        CliRunner cli = new CliRunner(system, home);
        login(cli);
        String old = gatewayKey(cli);
        CliRunner.Run rotated = cli.run("keys", "rotate", "--json");
        assertEquals(0, rotated.exit(), rotated.toString());
        JsonNode body = system.json(rotated.out());
        String fresh = body.path("dextoApiKey").asText();
        assertNotEquals(old, fresh);
        assertEquals(fresh, gatewayKey(cli), "~/.dexto/.env holds the new key");
        assertEquals(401, system.send("GET", system.controlUrl() + "/keys", old, null).statusCode(), "the old key is revoked");
        assertEquals(200, system.send("GET", system.controlUrl() + "/keys", fresh, null).statusCode());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean valid = true;
        while (System.nanoTime() < deadline && valid) {
            valid = system.json(system.send("GET", system.gatewayUrl() + "/keys/validate", old, null).body())
                    .path("valid").asBoolean();
        }
        assertFalse(valid, "the gateway refuses the old key once the feed says so");
        assertEquals(0, cli.run("chat", "--max-tokens", "5", "with the new key").exit());
    }

    @Test
    void aDeniedLoginFailsAndLeavesNoFiles(@TempDir Path home) throws Exception {
        CliRunner cli = new CliRunner(system, home);
        LocalSystem.AuthSession session = system.signUp("deny-" + UUID.randomUUID() + "@dexto.test", "cli-password-2");
        Process p = cli.start(List.of(LocalSystem.findRepo().resolve("cli/bin/dexto").toString(), "login"));
        p.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String code = null;
        for (String line = out.readLine(); line != null && code == null; line = out.readLine()) {
            Matcher m = USER_CODE.matcher(line);
            code = m.find() ? m.group(1) : null;
        }
        assertEquals(200, system.send("POST", system.controlUrl() + "/api/auth/device/deny", session.accessToken(),
                "{\"userCode\":\"" + code + "\"}").statusCode());
        CliRunner.Run r = CliRunner.finish(p, 30);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Login was denied"), r.toString());
        assertFalse(Files.exists(home.resolve(".env")));
    }

    @Test
    void onATerminalThereIsColourAndRevokeAsksFirst(@TempDir Path home) throws Exception {
        CliRunner cli = new CliRunner(system, home);
        LocalSystem.AuthSession session = login(cli);
        CliRunner.Run coloured = cli.pty(null, "billing", "status");
        assertEquals(0, coloured.exit(), coloured.toString());
        assertTrue(coloured.out().contains("\u001b[32m$10.00\u001b[0m") || ANSI.matcher(coloured.out()).find(),
                "colour on a terminal: " + coloured);
        CliRunner.Run plain = cli.env("NO_COLOR", "1").pty(null, "billing", "status");
        assertFalse(ANSI.matcher(plain.out()).find(), "NO_COLOR: " + plain);
        cli.env("NO_COLOR", null);
        CliRunner.Run forced = cli.env("CLICOLOR_FORCE", "1").run("billing", "status");
        assertTrue(ANSI.matcher(forced.out()).find(), "CLICOLOR_FORCE into a pipe: " + forced);
        cli.env("CLICOLOR_FORCE", null);

        long keyId = system.json(cli.run("keys", "list", "--json").out()).at("/keys/0/id").asLong();
        CliRunner.Run kept = cli.pty("n\n", "keys", "revoke", Long.toString(keyId));
        assertTrue(kept.out().contains("Revoke key " + keyId + "?"), kept.toString());
        assertEquals(1, kept.exit(), kept.toString());
        assertEquals("active", system.json(cli.run("keys", "list", "--json").out()).at("/keys/0/status").asText());
        assertEquals(2, cli.run("keys", "revoke", Long.toString(keyId)).exit(), "no terminal, no --yes: usage error");
        CliRunner.Run revoked = cli.run("keys", "revoke", Long.toString(keyId), "--yes");
        assertEquals(0, revoked.exit(), revoked.toString());
        // the CLI's own key is now revoked, so ask with the session
        assertEquals("revoked", system.json(system.call("GET", system.controlUrl() + "/keys", session.accessToken(), null, 200))
                .at("/keys/0/status").asText());
        assertEquals(4, cli.run("keys", "list").exit(), "a revoked key: exit 4");
    }

    private static void setBalance(LocalSystem.User user, String usd) throws Exception {
        JsonNode usage = system.json(system.call("GET", system.controlUrl() + "/me/usage?recent_limit=0", user.apiKey(), null, 200));
        java.math.BigDecimal delta = new java.math.BigDecimal(usd).subtract(new java.math.BigDecimal(usage.path("balance").asText()));
        system.admin("POST", "/users/" + user.id() + "/credits",
                "{\"amount_usd\":\"" + delta.toPlainString() + "\",\"reason\":\"cli test\"}");
        // the gateway hears of the new balance through the feed: wait until a request sees it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (gatewaySees(user, usd)) {
                return;
            }
        }
        throw new AssertionError("the gateway never saw the balance " + usd);
    }

    /** A one-token probe: refused (402) once a zero balance arrived; else its remaining credits are at most the new balance. */
    private static boolean gatewaySees(LocalSystem.User user, String usd) throws Exception {
        HttpResponse<String> r = system.send("POST", system.gatewayUrl() + "/v1/chat/completions", user.apiKey(),
                "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        if (new java.math.BigDecimal(usd).signum() <= 0) {
            return r.statusCode() == 402;
        }
        String remaining = r.headers().firstValue("X-Dexto-Credits-Remaining").orElse("999");
        return r.statusCode() == 200 && new java.math.BigDecimal(remaining).compareTo(new java.math.BigDecimal(usd)) <= 0;
    }
}
