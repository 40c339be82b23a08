package ai.dexto.gateway.cli.commands;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Dollar amounts for people: {@code $9.99} for balances, more places for the cost of one request. */
final class Usd {
    static final BigDecimal LOW_BALANCE = new BigDecimal("1.00");
    static final BigDecimal GREEN = new BigDecimal("10.00");

    private Usd() {
    }

    static String cents(BigDecimal amount) {
        return amount == null ? "?" : "$" + amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    /** A request's cost: at least 6 decimals so a $0.000013 request does not read as $0.00. */
    static String cost(BigDecimal amount) {
        if (amount == null) {
            return "?";
        }
        BigDecimal scaled = amount.setScale(Math.max(6, Math.min(amount.stripTrailingZeros().scale(), 8)),
                RoundingMode.HALF_UP);
        return "$" + scaled.toPlainString();
    }
}
