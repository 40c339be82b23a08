package ai.dexto.gateway.controlplane.resources;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.errors.ApiException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Parsing of path, query and body values; anything malformed is a 400, never a 500. */
final class Params {
    private Params() {
    }

    static long id(String text) {
        try {
            long id = Long.parseLong(text);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.notFound("No such key");
    }

    /** An ISO date (start of that day, UTC) or date-time. {@code endOfDay}: a date means the next midnight. */
    static Instant time(String text, String name, boolean endOfDay) {
        try {
            if (text.length() == 10) {
                LocalDate d = LocalDate.parse(text);
                return (endOfDay ? d.plusDays(1) : d).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return OffsetDateTime.parse(text).toInstant();
            }
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_" + name, name + " must be an ISO date (2026-11-01) or date-time");
        }
    }

    /** A USD amount given as a JSON string ("25.00") or number, parsed exactly. */
    static long usd(JsonNode node, String field) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw ApiException.badRequest("invalid_amount", field + " is required");
        }
        if (!node.isTextual() && !node.isNumber()) {
            throw ApiException.badRequest("invalid_amount", field + " must be a decimal USD amount");
        }
        String text = node.isTextual() ? node.asText().trim() : node.decimalValue().toPlainString();
        try {
            if (text.isEmpty() || text.indexOf('e') >= 0 || text.indexOf('E') >= 0) {
                throw new NumberFormatException("not a plain decimal");
            }
            return Money.parseUsdExact(text);
        } catch (NumberFormatException | ArithmeticException e) {
            throw ApiException.badRequest("invalid_amount", field + " must be a decimal USD amount with at most 9 decimals");
        }
    }
}
