package ai.dexto.gateway.controlplane.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.controlplane.support.ControlPlaneHarness;
import ai.dexto.gateway.controlplane.support.Http;
import ai.dexto.gateway.controlplane.support.JournalWriter;
import ai.dexto.gateway.controlplane.support.TestPostgres;
import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The daily rollup behind the billing page: backfilled by its migration from rows drained before it
 * existed, kept current by the drain (replays count once), equal to the ledger at every step, and fast:
 * a user with a million usage rows this month gets every answer of the billing page in milliseconds.
 * {@code -Drollup.rows=N} changes the heavy user's row count (default 1,000,000).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DailyUsageRollupTest {
    static final int HEAVY_ROWS = Integer.getInteger("rollup.rows", 1_000_000);
    static final String HEAVY = "heavy-" + System.nanoTime();
    static final String[] MODELS = {"openai/gpt-4o-mini", "anthropic/claude-3.5-sonnet", "meta-llama/llama-3.1-8b"};
    static final String DB = seededBeforeTheRollup();
    static final ControlPlaneHarness H = new ControlPlaneHarness(Map.of("database.url", DB));
    @RegisterExtension
    static final DropwizardAppExtension<?> APP = H.app;
    static long seedMillis;
    static long backfillMillis;

    @AfterAll
    static void stopSim() {
        H.close();
    }

    /** A database migrated up to the one before the rollup, holding the heavy user's ledger rows. */
    static String seededBeforeTheRollup() {
        String url = TestPostgres.newDatabase();
        // the newest migration before the rollup's (V15), whoever added it
        String before = Arrays.stream(Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                        .load().info().all())
                .map(m -> m.getVersion()).filter(v -> !v.isAtLeast("15")).max(Comparable::compareTo).orElseThrow().getVersion();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target(before)
                .load().migrate();
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("INSERT INTO users (id, email) VALUES ('" + HEAVY + "', 'heavy@example.test')");
            s.execute("INSERT INTO balances (user_id, balance_nanos) VALUES ('" + HEAVY + "', 5000000000)");
            // spread over this month so far (UTC), three models, costs 0..996 nano-USD; ascending request
            // ids (as the gateway's time-ordered ones are) keep the unique index's inserts cheap
            s.execute("INSERT INTO usage_ledger (request_id, user_id, key_id, node_id, node_sequence, model, "
                    + "prompt_tokens, completion_tokens, billed_cost_nanos, upstream_cost_nanos, status, streamed, "
                    + "http_status, completed_at) "
                    + "SELECT lpad(to_hex(g), 32, '0')::uuid, '" + HEAVY + "', 1, 'seed', g, "
                    + "(ARRAY['" + String.join("','", MODELS) + "'])[1 + g % 3], g % 50, g % 70, g % 997, g % 997, "
                    + "'completed', true, 200, "
                    + "date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + (now() - "
                    + "(date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') - interval '1 minute') "
                    + "* (g::float8 / " + HEAVY_ROWS + ") FROM generate_series(1, " + HEAVY_ROWS + ") g");
            s.execute("ANALYZE usage_ledger");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        seedMillis = (System.nanoTime() - t0) / 1_000_000;
        long t1 = System.nanoTime();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").load().migrate();
        backfillMillis = (System.nanoTime() - t1) / 1_000_000;
        return url;
    }

    @Test
    void theMigrationBackfillsExactlyWhatTheLedgerHolds() throws Exception {
        assertRollupEqualsLedger();
        JsonNode all = H.api().get("/me/usage", H.jwt(HEAVY)).json();
        assertEquals(HEAVY_ROWS, all.path("total_requests").asLong(), all.toString());
        assertEquals(ledgerLong("SELECT sum(billed_cost_nanos) FROM usage_ledger WHERE user_id = ?", HEAVY),
                ai.dexto.gateway.common.money.Money.parseUsd(all.path("total_cost").asText()));
    }

    @Test
    void theDrainAddsEachNewRequestOnceAndTheAnswerSumsPerDayAndModel() throws Exception {
        String user = ControlPlaneHarness.newUserId();
        String key = H.provision(user);
        long keyId = H.api().get("/keys", key).json().path("keys").get(0).path("id").asLong();
        try (JournalWriter w = new JournalWriter(H.dataDir.resolve("journal").resolve("rollup-node"), "rollup-node")) {
            UsageEvent first = w.write(user, keyId, 1_500, "m/a");
            w.write(user, keyId, 2_500, "m/a");
            w.write(user, keyId, 7_000, "m/b");
            w.write(first); // a replay: billed and counted once
        }
        awaitRequests(key, 3);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode d = H.api().get("/me/usage/daily?start=" + today + "&end=" + today, key).json();
        assertEquals("UTC", d.path("timezone").asText());
        assertEquals(2, d.path("daily").size(), d.toString());
        JsonNode a = d.path("daily").get(0);
        assertEquals(today, a.path("date").asText());
        assertEquals("m/a", a.path("model").asText());
        assertEquals(2, a.path("requests").asLong());
        assertEquals(20, a.path("prompt_tokens").asLong());
        assertEquals(40, a.path("completion_tokens").asLong());
        assertEquals("0.000004", a.path("cost").asText());
        assertEquals("0.000007", d.path("daily").get(1).path("cost").asText());
        // the month-to-date default covers today too, and another user sees none of it
        assertEquals(2, H.api().get("/me/usage/daily", key).json().path("daily").size());
        assertEquals(0, H.api().get("/me/usage/daily", H.jwt(ControlPlaneHarness.newUserId())).json()
                .path("daily").size());
        assertRollupEqualsLedger();
    }

    @Test
    void badRangesAreRefusedWithTheErrorShape() {
        String jwt = H.jwt(HEAVY);
        for (String q : List.of("start=yesterday", "end=2026-13-01", "start=2026-02-01&end=2026-01-31",
                "start=2024-01-01&end=2025-01-01")) {
            Http.Reply r = H.api().get("/me/usage/daily?" + q, jwt);
            assertEquals(400, r.status(), q + " → " + r);
            assertTrue(r.json().path("error").path("code").asText().startsWith("invalid_"), r.toString());
        }
        assertEquals(200, H.api().get("/me/usage/daily?start=2025-01-01&end=2025-12-31", jwt).status());
        assertEquals(401, H.api().get("/me/usage/daily", null).status());
    }

    /** Every call the billing page makes, for the heavy user, timed over HTTP; the figures go to target/. */
    @Test
    void theBillingPagesCallsAnswerInMillisecondsForAMillionRows() throws Exception {
        String jwt = H.jwt(HEAVY);
        JsonNode first = H.api().get("/me/usage?recent_limit=100", jwt).json();
        String cursor = first.path("next_cursor").asText();
        List<String> calls = List.of("/me/usage?recent_limit=100", "/me/usage/daily", "/me/transactions",
                "/me/usage?recent_limit=100&cursor=" + cursor);
        StringBuilder report = new StringBuilder("billing page API, user with " + HEAVY_ROWS + " usage rows this month "
                + "(seeded in " + seedMillis + " ms, rollup backfilled in " + backfillMillis + " ms)\n");
        for (String call : calls) {
            double[] ms = time(call, jwt, 30);
            report.append(String.format("%-60s median %6.1f ms  max %6.1f ms%n", call, ms[0], ms[1]));
            assertTrue(ms[0] < 100, call + " took " + ms[0] + " ms (median)");
        }
        // the same totals read from the ledger rows (a range that is not whole days), for comparison
        String ragged = "/me/usage?recent_limit=100&start=" + LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1)
                + "T00:00:01Z";
        double[] ledger = time(ragged, jwt, 5);
        report.append(String.format("%-60s median %6.1f ms  max %6.1f ms  (ledger scan, for comparison)%n",
                "/me/usage?start=<not whole days>", ledger[0], ledger[1]));
        Path out = Path.of("target/billing-api-timing.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.print(report);
    }

    private static double[] time(String path, String jwt, int runs) {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, H.api().get(path, jwt).status(), path);
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            Http.Reply r = H.api().get(path, jwt);
            ms[i] = (System.nanoTime() - t) / 1e6;
            assertEquals(200, r.status(), path + " " + r);
        }
        Arrays.sort(ms);
        return new double[] {ms[runs / 2], ms[runs - 1]};
    }

    private static void awaitRequests(String key, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (H.api().get("/me/usage", key).json().path("total_requests").asLong() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("usage was not drained");
            }
            Thread.sleep(20);
        }
    }

    /** The rollup and a fresh aggregate of the ledger hold the same rows, for every user. */
    private static void assertRollupEqualsLedger() throws SQLException {
        String ledger = "SELECT user_id, (completed_at AT TIME ZONE 'UTC')::date AS day, model, count(*) AS requests, "
                + "sum(prompt_tokens) AS prompt_tokens, sum(completion_tokens) AS completion_tokens, "
                + "sum(billed_cost_nanos) AS cost_nanos FROM usage_ledger GROUP BY 1, 2, 3";
        String rollup = "SELECT user_id, day, model, requests, prompt_tokens, completion_tokens, cost_nanos FROM usage_daily";
        List<String> diff = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("(" + ledger + " EXCEPT " + rollup + ") UNION ALL (" + rollup + " EXCEPT "
                     + ledger + ") LIMIT 10")) {
            while (rs.next()) {
                diff.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getLong(4));
            }
        }
        assertEquals(List.of(), diff, "rows in one of rollup and ledger but not the other");
    }

    private static long ledgerLong(String sql, String param) throws SQLException {
        try (Connection c = DriverManager.getConnection(DB); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
