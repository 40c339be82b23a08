package ai.dexto.gateway.common.money;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money is a {@code long} of nano-USD (1 USD = 1,000,000,000). It is exact: decimal strings are parsed
 * digit by digit, never through {@code double}; arithmetic throws on overflow instead of wrapping.
 * A long holds ±9.2 billion USD, far beyond any balance.
 *
 * <p>Static methods on a primitive keep the data plane's hot path free of allocation.
 */
public final class Money {
    public static final long NANOS_PER_USD = 1_000_000_000L;
    public static final int SCALE = 9;

    private Money() {
    }

    public static long ofUsd(long wholeDollars) {
        return Math.multiplyExact(wholeDollars, NANOS_PER_USD);
    }

    public static long ofCents(long cents) {
        return Math.multiplyExact(cents, NANOS_PER_USD / 100);
    }

    /** Parses a decimal USD amount ("10", "-2.5", "0.000003", "1.5e-05"); digits past nano precision round up. */
    public static long parseUsd(CharSequence text) {
        byte[] ascii = ascii(text);
        return parse(ascii, 0, ascii.length, SCALE, true);
    }

    /** Parses exactly, rejecting any non-zero digit past nano precision. For amounts people type. */
    public static long parseUsdExact(CharSequence text) {
        byte[] ascii = ascii(text);
        return parse(ascii, 0, ascii.length, SCALE, false);
    }

    /**
     * Parses an ASCII decimal number held in {@code bytes[off, off+len)} to units of 10^-scale,
     * rounding any finer digits up (toward +infinity) when {@code roundUp}, else rejecting them.
     * Accepts an optional sign, a fraction and an exponent ({@code 1.5e-05}), as JSON numbers may be
     * written. Allocates nothing, so the gateway can call it on bytes scanned from a stream.
     */
    public static long parse(byte[] s, int off, int len, int scale, boolean roundUp) {
        int to = off + len;
        int i = off;
        if (len <= 0) {
            throw new NumberFormatException("empty amount");
        }
        boolean negative = false;
        if (s[i] == '-' || s[i] == '+') {
            negative = s[i] == '-';
            i++;
        }
        int mantissaStart = i;
        int mantissaEnd = to;
        int dot = -1;
        int digits = 0;
        for (; i < to; i++) {
            byte c = s[i];
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && dot < 0) {
                dot = i;
            } else if ((c == 'e' || c == 'E') && digits > 0) {
                mantissaEnd = i;
                break;
            } else {
                throw new NumberFormatException("not a decimal amount");
            }
        }
        if (digits == 0) {
            throw new NumberFormatException("not a decimal amount");
        }
        int exponent = 0;
        if (mantissaEnd < to) {
            int j = mantissaEnd + 1;
            boolean expNegative = false;
            if (j < to && (s[j] == '-' || s[j] == '+')) {
                expNegative = s[j] == '-';
                j++;
            }
            if (j >= to) {
                throw new NumberFormatException("bad exponent");
            }
            for (; j < to; j++) {
                byte c = s[j];
                if (c < '0' || c > '9' || exponent > 1000) {
                    throw new NumberFormatException("bad exponent");
                }
                exponent = exponent * 10 + (c - '0');
            }
            if (expNegative) {
                exponent = -exponent;
            }
        }
        int intDigits = (dot < 0 ? mantissaEnd : dot) - mantissaStart;
        // The k-th digit from the left has power intDigits - 1 - k + exponent; keep powers >= -scale.
        long value = 0;
        boolean anyKept = false;
        boolean remainder = false;
        int lastKeptPower = 0;
        int k = 0;
        for (int p = mantissaStart; p < mantissaEnd; p++) {
            if (p == dot) {
                continue;
            }
            int power = intDigits - 1 - k + exponent;
            k++;
            int d = s[p] - '0';
            if (power < -scale) {
                remainder |= d != 0;
                continue;
            }
            value = Math.addExact(Math.multiplyExact(value, 10L), d);
            anyKept = true;
            lastKeptPower = power;
        }
        if (anyKept) {
            for (int p = lastKeptPower; p > -scale; p--) {
                value = Math.multiplyExact(value, 10L);
            }
        }
        if (remainder) {
            if (!roundUp) {
                throw new NumberFormatException("more precision than 10^-" + scale);
            }
            if (!negative) {
                value = Math.addExact(value, 1L);
            }
        }
        return negative ? -value : value;
    }

    /**
     * Parses a per-token price ("0.000003") into pico-USD (10^-12), the unit in which model prices are
     * exact; {@link #costOf} turns tokens × price back into nanos.
     */
    public static long parsePicoUsdPerToken(CharSequence price) {
        byte[] ascii = ascii(price);
        return parse(ascii, 0, ascii.length, 12, true);
    }

    private static byte[] ascii(CharSequence text) {
        byte[] out = new byte[text.length()];
        for (int i = 0; i < out.length; i++) {
            char c = text.charAt(i);
            out[i] = c < 128 ? (byte) c : (byte) '?';
        }
        return out;
    }

    public static long add(long a, long b) {
        return Math.addExact(a, b);
    }

    public static long subtract(long a, long b) {
        return Math.subtractExact(a, b);
    }

    /** {@code tokens × pricePerToken} where the price is in pico-USD; the result rounds up to a nano. */
    public static long costOf(long tokens, long picoUsdPerToken) {
        long picos = Math.multiplyExact(tokens, picoUsdPerToken);
        return Math.floorDiv(picos + 999L, 1000L);
    }

    /** Applies a markup in basis points (100 = 1%), rounding up to a nano. */
    public static long withMarkup(long nanos, int markupBasisPoints) {
        if (markupBasisPoints == 0) {
            return nanos;
        }
        long scaled = Math.multiplyExact(nanos, 10_000L + markupBasisPoints);
        return Math.floorDiv(scaled + 9_999L, 10_000L);
    }

    /**
     * USD decimal string for people and JSON: at least two decimals, trailing zeros trimmed past that
     * ("10.00", "0.000123", "-2.50").
     */
    public static String format(long nanos) {
        return formatTo(new StringBuilder(24), nanos).toString();
    }

    public static StringBuilder formatTo(StringBuilder out, long nanos) {
        if (nanos < 0) {
            out.append('-');
        }
        long abs = Math.abs(nanos);
        if (nanos == Long.MIN_VALUE) {
            return out.append(new BigDecimal(nanos).movePointLeft(SCALE).negate().toPlainString());
        }
        out.append(abs / NANOS_PER_USD).append('.');
        long fraction = abs % NANOS_PER_USD;
        int digits = SCALE;
        while (digits > 2 && fraction % 10 == 0) {
            fraction /= 10;
            digits--;
        }
        String f = Long.toString(fraction);
        for (int i = f.length(); i < digits; i++) {
            out.append('0');
        }
        return out.append(f);
    }

    /** For SQL and reports that need a BigDecimal view of an exact amount. */
    public static BigDecimal toBigDecimal(long nanos) {
        return BigDecimal.valueOf(nanos, SCALE);
    }

    public static long fromBigDecimal(BigDecimal usd) {
        return usd.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
    }
}
