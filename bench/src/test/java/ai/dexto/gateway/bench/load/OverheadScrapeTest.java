package ai.dexto.gateway.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OverheadScrapeTest {
    private static String metrics(long b10, long b20, long b50, long inf) {
        return "# TYPE dexto_gateway_overhead_seconds histogram\n"
                + "dexto_gateway_overhead_seconds_bucket{le=\"1.0E-5\"} " + b10 + "\n"
                + "dexto_gateway_overhead_seconds_bucket{le=\"2.0E-5\"} " + b20 + "\n"
                + "dexto_gateway_overhead_seconds_bucket{le=\"5.0E-5\"} " + b50 + "\n"
                + "dexto_gateway_overhead_seconds_bucket{le=\"+Inf\"} " + inf + "\n"
                + "dexto_gateway_overhead_seconds_count " + inf + "\n"
                + "dexto_gateway_request_duration_seconds_bucket{route=\"chat\",le=\"+Inf\"} 999\n";
    }

    @Test
    void aRunIsTheDifferenceOfTwoScrapesAndPercentilesInterpolateInsideTheirBucket() {
        OverheadScrape before = OverheadScrape.parse(metrics(5, 5, 5, 5));
        // this run: 0 below 10 us, 100 in (10, 20], 100 in (20, 50], none above
        OverheadScrape run = OverheadScrape.parse(metrics(5, 105, 205, 205)).minus(before);
        assertEquals(200, run.count());
        assertEquals(20.0, run.percentileMicros(50), 1e-9);
        assertEquals(15.0, run.percentileMicros(25), 1e-9);
        assertEquals(49.7, run.percentileMicros(99.5), 1e-9);
    }

    @Test
    void noObservationsIsNotANumber() {
        OverheadScrape s = OverheadScrape.parse(metrics(0, 0, 0, 0));
        assertEquals(0, s.count());
        assertTrue(Double.isNaN(s.percentileMicros(50)));
    }
}
