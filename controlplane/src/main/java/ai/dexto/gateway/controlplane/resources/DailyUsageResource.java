package ai.dexto.gateway.controlplane.resources;

import ai.dexto.gateway.controlplane.auth.Caller;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.daos.DailyUsageDao;
import ai.dexto.gateway.controlplane.errors.ApiException;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code GET /me/usage/daily?start&end}: the caller's usage per UTC day and model, for the billing
 * page's charts, read from the daily rollup (so as fast for a million requests as for ten). Both
 * bounds are ISO dates and inclusive; the default is this month so far.
 */
@Path("/me/usage/daily")
@Produces(MediaType.APPLICATION_JSON)
public final class DailyUsageResource {
    /** A year and a day: any calendar year fits, and an answer stays bounded (days × models rows). */
    static final int MAX_DAYS = 366;

    public record DailyRow(@JsonProperty("date") String date, @JsonProperty("model") String model,
                           @JsonProperty("requests") long requests,
                           @JsonProperty("prompt_tokens") long promptTokens,
                           @JsonProperty("completion_tokens") long completionTokens,
                           @JsonProperty("cost") String cost) {
    }

    public record DailyUsage(@JsonProperty("start") String start, @JsonProperty("end") String end,
                             @JsonProperty("timezone") String timezone,
                             @JsonProperty("daily") List<DailyRow> daily) {
    }

    private final UserAuthenticator auth;
    private final DailyUsageDao daily;
    private final Clock clock;

    public DailyUsageResource(UserAuthenticator auth, DailyUsageDao daily, Clock clock) {
        this.auth = auth;
        this.daily = daily;
        this.clock = clock;
    }

    @GET
    public DailyUsage daily(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @QueryParam("start") String start, @QueryParam("end") String end) {
        Caller caller = auth.authenticate(authorization);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        LocalDate first = start == null || start.isBlank() ? today.withDayOfMonth(1) : date(start, "start");
        LocalDate last = end == null || end.isBlank() ? today : date(end, "end");
        if (last.isBefore(first)) {
            throw ApiException.badRequest("invalid_range", "start must not be after end");
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
            throw ApiException.badRequest("invalid_range", "a range covers at most " + MAX_DAYS + " days");
        }
        List<DailyRow> rows = daily.daily(caller.userId(), first, last.plusDays(1)).stream()
                .map(d -> new DailyRow(d.day().toString(), d.model(), d.requests(), d.promptTokens(),
                        d.completionTokens(), Views.usd(d.costNanos())))
                .toList();
        return new DailyUsage(first.toString(), last.toString(), "UTC", rows);
    }

    private static LocalDate date(String text, String name) {
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_" + name, name + " must be an ISO date (2026-11-01)");
        }
    }
}
