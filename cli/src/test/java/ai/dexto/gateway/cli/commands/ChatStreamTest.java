package ai.dexto.gateway.cli.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ChatStreamTest {
    private static ChatStream.Result read(String sse, StringBuilder shown) throws Exception {
        return ChatStream.read(new ByteArrayInputStream(sse.getBytes(StandardCharsets.UTF_8)), shown::append);
    }

    @Test
    void deltasStreamAndTheCommentsCarryCostAndTheBalanceAfter() throws Exception {
        StringBuilder shown = new StringBuilder();
        ChatStream.Result r = read(": OPENROUTER PROCESSING\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"lo ✓\"}}]}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"cost\":0.0000126}}\n\n"
                + ": x-dexto-cost-usd=0.0000126\n\n: x-dexto-credits-remaining=0.99998740\n\ndata: [DONE]\n\n", shown);
        assertEquals("Hello ✓", shown.toString());
        assertEquals("Hello ✓", r.content());
        assertEquals(0, new BigDecimal("0.0000126").compareTo(r.cost()));
        assertEquals(0, new BigDecimal("0.99998740").compareTo(r.creditsRemaining()));
        assertTrue(r.done());
        assertNull(r.error());
    }

    @Test
    void anErrorEventIsReportedAndAGarbledChunkIsSkipped() throws Exception {
        ChatStream.Result r = read("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: {not json\n\n"
                + "data: {\"error\":{\"message\":\"upstream went away\"}}\n\n", new StringBuilder());
        assertEquals("a", r.content());
        assertEquals("upstream went away", r.error());
        assertNull(r.creditsRemaining(), "no balance line: the caller falls back to the header");
    }

    @Test
    void dollarsArePrintedForPeople() {
        assertEquals("$0.80", Usd.cents(new BigDecimal("0.79999")));
        assertEquals("$0.0000126", Usd.cost(new BigDecimal("0.0000126")), "exact, not rounded to nothing");
        assertEquals("$0.500000", Usd.cost(new BigDecimal("0.5")));
        assertEquals("$0.12345678", Usd.cost(new BigDecimal("0.123456781")));
    }
}
