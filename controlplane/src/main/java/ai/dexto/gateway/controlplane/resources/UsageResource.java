package ai.dexto.gateway.controlplane.resources;

import ai.dexto.gateway.controlplane.auth.Caller;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.config.LimitSettings;
import ai.dexto.gateway.controlplane.daos.UsageDao;
import ai.dexto.gateway.controlplane.errors.ApiException;
import ai.dexto.gateway.controlplane.limits.UserRateLimits;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * {@code GET /me/usage} and {@code /me/usage.csv}: the caller's balance and usage in a range (default:
 * this month so far, UTC). {@code recent} pages newest first with an opaque {@code next_cursor}.
 */
@Path("/me")
@Produces(MediaType.APPLICATION_JSON)
public final class UsageResource {
    static final int MAX_RECENT = 100;

    private final UserAuthenticator auth;
    private final UsageDao usage;
    private final Clock clock;
    private final UserRateLimits rateLimits;
    private final LimitSettings limits;
    private final Semaphore exports;

    public UsageResource(UserAuthenticator auth, UsageDao usage, Clock clock, UserRateLimits rateLimits,
                         LimitSettings limits) {
        this.auth = auth;
        this.usage = usage;
        this.clock = clock;
        this.rateLimits = rateLimits;
        this.limits = limits;
        this.exports = new Semaphore(limits.csvMaxConcurrent);
    }

    private record Range(Instant start, Instant end) {
    }

    @GET
    @Path("/usage")
    public Map<String, Object> usage(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                     @QueryParam("start") String start, @QueryParam("end") String end,
                                     @QueryParam("recent_limit") String recentLimit,
                                     @QueryParam("cursor") String cursor) {
        Caller caller = auth.authenticate(authorization);
        Range range = range(start, end);
        int limit = recentLimit(recentLimit);
        UsageDao.Position after = cursor == null || cursor.isBlank() ? null : decodeCursor(cursor);
        UsageDao.Summary summary = usage.summary(caller.userId(), range.start(), range.end());
        UsageDao.Totals totals = summary.totals();
        List<Map<String, Object>> byModel = new ArrayList<>();
        for (UsageDao.ByModel m : usage.byModel(caller.userId(), range.start(), range.end())) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", m.model());
            row.put("requests", m.requests());
            row.put("tokens", m.tokens());
            row.put("cost", Views.usd(m.costNanos()));
            byModel.add(row);
        }
        // recent_limit=0 asks for the totals alone (the dashboard's balance card): no rows, no cursor
        List<UsageDao.UsageRow> page = limit == 0 ? List.of()
                : usage.recent(caller.userId(), range.start(), range.end(), after, limit + 1);
        boolean more = page.size() > limit;
        if (more) {
            page = page.subList(0, limit);
        }
        List<Map<String, Object>> recent = page.stream().map(UsageResource::row).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("balance", Views.usd(summary.balanceNanos()));
        out.put("total_cost", Views.usd(totals.costNanos()));
        out.put("total_requests", totals.requests());
        out.put("total_tokens", totals.tokens());
        out.put("by_model", byModel);
        out.put("recent", recent);
        // recent_limit=0 asks for totals only: no page, so no cursor either
        out.put("next_cursor", more && !page.isEmpty() ? encodeCursor(page.get(page.size() - 1)) : null);
        out.put("start", range.start().toString());
        out.put("end", range.end().toString());
        return out;
    }

    @GET
    @Path("/usage.csv")
    @Produces("text/csv")
    public Response csv(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                        @QueryParam("start") String start, @QueryParam("end") String end) {
        Caller caller = auth.authenticate(authorization);
        Range range = range(start, end);
        if (Duration.between(range.start(), range.end()).compareTo(Duration.ofDays(limits.csvMaxDays)) > 0) {
            throw ApiException.badRequest("range_too_large", "A CSV export covers at most " + limits.csvMaxDays
                    + " days; export a longer period in parts");
        }
        rateLimits.take(UserRateLimits.Action.CSV_EXPORT, caller.userId());
        if (!exports.tryAcquire()) {
            throw new ApiException(503, "api_error", "exports_busy", "Too many exports in progress; try again shortly");
        }
        StreamingOutput body = out -> {
            try {
                writeCsv(out, caller.userId(), range);
            } finally {
                exports.release();
            }
        };
        return Response.ok(body, "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"usage.csv\"").build();
    }

    private void writeCsv(java.io.OutputStream out, String userId, Range range) throws java.io.IOException {
        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        w.write("request_id,completed_at,model,key_id,prompt_tokens,completion_tokens,cached_tokens,"
                + "reasoning_tokens,cost_usd,status,streamed,http_status,session_id,generation_id\n");
        usage.stream(userId, range.start(), range.end(), limits.csvPageRows,
                limits.csvStatementTimeoutMillis, r -> {
            w.write(r.requestId().toString());
            w.write(',');
            w.write(r.completedAt().toString());
            w.write(',');
            w.write(Csv.field(r.model()));
            w.write("," + r.keyId() + "," + r.promptTokens() + "," + r.completionTokens() + ","
                    + r.cachedTokens() + "," + r.reasoningTokens() + "," + Views.usd(r.billedCostNanos()) + ","
                    + r.status() + "," + r.streamed() + "," + r.httpStatus() + ",");
            w.write(Csv.field(r.sessionId()));
            w.write(',');
            w.write(Csv.field(r.generationId()));
            w.write('\n');
        });
        w.flush();
    }

    private Range range(String start, String end) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Instant s = start == null || start.isBlank()
                ? today.withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC) : Params.time(start, "start", false);
        Instant e = end == null || end.isBlank()
                ? today.withDayOfMonth(1).plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC)
                : Params.time(end, "end", true);
        if (!s.isBefore(e)) {
            throw ApiException.badRequest("invalid_range", "start must be before end");
        }
        return new Range(s, e);
    }

    private static int recentLimit(String text) {
        if (text == null || text.isBlank()) {
            return 20;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0 && n <= MAX_RECENT) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.badRequest("invalid_recent_limit", "recent_limit must be an integer from 0 to " + MAX_RECENT);
    }

    private static Map<String, Object> row(UsageDao.UsageRow r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", r.requestId().toString());
        m.put("completed_at", r.completedAt().toString());
        m.put("model", r.model());
        m.put("key_id", r.keyId());
        m.put("prompt_tokens", r.promptTokens());
        m.put("completion_tokens", r.completionTokens());
        m.put("cached_tokens", r.cachedTokens());
        m.put("reasoning_tokens", r.reasoningTokens());
        m.put("total_tokens", r.promptTokens() + r.completionTokens());
        m.put("cost", Views.usd(r.billedCostNanos()));
        m.put("status", r.status());
        m.put("streamed", r.streamed());
        m.put("http_status", r.httpStatus());
        m.put("session_id", r.sessionId());
        m.put("generation_id", r.generationId());
        return m;
    }

    static String encodeCursor(UsageDao.UsageRow last) {
        Instant t = last.completedAt();
        String raw = t.getEpochSecond() + ":" + t.getNano() + ":" + last.requestId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    static UsageDao.Position decodeCursor(String cursor) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            String[] parts = raw.split(":", 3);
            return new UsageDao.Position(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
                    UUID.fromString(parts[2]));
        } catch (RuntimeException e) {
            throw ApiException.badRequest("invalid_cursor", "cursor is not one this API returned");
        }
    }
}
