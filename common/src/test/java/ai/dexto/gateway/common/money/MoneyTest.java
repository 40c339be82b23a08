package ai.dexto.gateway.common.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MoneyTest {
    @Test
    void parsesDecimalStringsExactly() {
        assertEquals(10_000_000_000L, Money.parseUsd("10"));
        assertEquals(10_000_000_000L, Money.parseUsd("10.00"));
        assertEquals(-2_500_000_000L, Money.parseUsd("-2.5"));
        assertEquals(3_000L, Money.parseUsd("0.000003"));
        assertEquals(1L, Money.parseUsd("0.000000001"));
        assertEquals(123_456_789L, Money.parseUsd(".123456789"));
        assertEquals(25_000_000_000L, Money.parseUsd("+25"));
    }

    @Test
    void parsesExponentNotationAsJsonNumbersMayBeWritten() {
        assertEquals(15_000L, Money.parseUsd("1.5e-05"));
        assertEquals(15_000L, Money.parseUsd("1.5E-5"));
        assertEquals(120_000_000_000L, Money.parseUsd("1.2e2"));
        assertEquals(0L, Money.parseUsd("0e0"));
    }

    @Test
    void digitsBeyondNanoPrecisionRoundUpForChargesAndAreRejectedForTypedAmounts() {
        assertEquals(2L, Money.parseUsd("0.0000000015"));
        assertEquals(1L, Money.parseUsd("0.0000000000001"));
        assertEquals(-1L, Money.parseUsd("-0.0000000015"));
        assertEquals(1L, Money.parseUsdExact("0.0000000010"));
        assertThrows(NumberFormatException.class, () -> Money.parseUsdExact("0.0000000015"));
    }

    @Test
    void rejectsNonNumbersAndOverflow() {
        for (String bad : new String[] {"", "-", ".", "abc", "1.2.3", "1e", "1e+", "NaN", "1,5", "e5", "10 "}) {
            assertThrows(NumberFormatException.class, () -> Money.parseUsd(bad), bad);
        }
        assertThrows(ArithmeticException.class, () -> Money.parseUsd("99999999999"));
        assertThrows(ArithmeticException.class, () -> Money.add(Long.MAX_VALUE, 1));
        assertThrows(ArithmeticException.class, () -> Money.costOf(Long.MAX_VALUE / 2, 3));
    }

    @Test
    void parsesFromBytesWithoutAStringAsTheGatewayScannerDoes() {
        byte[] chunk = "{\"cost\":0.00014,\"x\":1}".getBytes(StandardCharsets.US_ASCII);
        assertEquals(140_000L, Money.parse(chunk, 8, 7, Money.SCALE, true));
    }

    @Test
    void agreesWithBigDecimalOnRandomAmounts() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            long nanos = random.nextLong() % 1_000_000_000_000_000L;
            String text = BigDecimal.valueOf(nanos, 9).toPlainString();
            assertEquals(nanos, Money.parseUsd(text), text);
            assertEquals(nanos, Money.parseUsd(Money.format(nanos)), Money.format(nanos));
            String sci = BigDecimal.valueOf(nanos, 9).toString();
            assertEquals(nanos, Money.parseUsd(sci), sci);
        }
    }

    @Test
    void formatsWithAtLeastTwoDecimals() {
        assertEquals("10.00", Money.format(10_000_000_000L));
        assertEquals("0.000123", Money.format(123_000L));
        assertEquals("-2.50", Money.format(-2_500_000_000L));
        assertEquals("0.00", Money.format(0));
        assertEquals("0.000000001", Money.format(1));
    }

    @Test
    void pricesArePicoUsdPerTokenAndCostsRoundUpToANano() {
        long price = Money.parsePicoUsdPerToken("0.000003");
        assertEquals(3_000_000L, price);
        assertEquals(3_000L, Money.costOf(1, price));
        assertEquals(3_000_000L, Money.costOf(1000, price));
        long tiny = Money.parsePicoUsdPerToken("0.0000000375");
        assertEquals(37_500L, tiny);
        assertEquals(38L, Money.costOf(1, tiny));
        assertEquals(375L, Money.costOf(10, tiny));
    }

    @Test
    void markupIsBasisPointsRoundedUp() {
        assertEquals(110L, Money.withMarkup(100, 1000));
        assertEquals(2L, Money.withMarkup(1, 1));
        assertEquals(100L, Money.withMarkup(100, 0));
    }

    @Test
    void centsAndDollarsConvertExactly() {
        assertEquals(Money.parseUsd("25.00"), Money.ofCents(2500));
        assertEquals(Money.parseUsd("5"), Money.ofUsd(5));
        assertEquals(new BigDecimal("0.000003000"), Money.toBigDecimal(3000));
        assertEquals(3000L, Money.fromBigDecimal(new BigDecimal("0.000003")));
    }
}
