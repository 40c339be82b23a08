package ai.dexto.gateway.dataplane.credit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CreditPolicyTest {
    final ModelInfo model = new ModelInfo("m", Money.parsePicoUsdPerToken("0.00000015"),
            Money.parsePicoUsdPerToken("0.0000006"), 128_000, 16_384);
    final ChatPrice text300 = new ChatPrice(300, false, 0, 0, 0);

    @Test
    void worstCaseIsPromptBoundPlusMaxTokensWithMarkup() {
        CreditPolicy p = new CreditPolicy(1000, 4_000_000);
        long raw = Money.costOf(200, model.promptPicoPerToken()) + Money.costOf(100, model.completionPicoPerToken());
        assertEquals(Money.withMarkup(raw, 1000), p.worstCase(List.of(model), new ChatPrice(200, false, 0, 0, 0), 100));
    }

    @Test
    void everyPricedPartCounts() {
        ModelInfo rich = new ModelInfo("r", 1_000, 2_000, 5_000, 300_000, 700_000, 0, 100_000, 8_192);
        CreditPolicy p = new CreditPolicy(0, 4_000_000);
        long expected = Money.costOf(100_000, 1_000) // media: the prompt bound is the context
                + Money.costOf(10, 5_000)            // completion at the dearer reasoning price
                + 300_000                            // per request
                + 2 * 700_000                        // two images
                + 7 * 4_000_000L;                    // web plugin, 7 results
        assertEquals(expected, p.worstCase(List.of(rich), new ChatPrice(500, true, 2, 1, 7), 10));
    }

    @Test
    void aFallbackListIsPricedAtItsDearestModel() {
        ModelInfo cheap = new ModelInfo("c", 10, 10, 1_000, 1_000);
        ModelInfo dear = new ModelInfo("d", 1_000_000, 3_000_000, 1_000, 500);
        CreditPolicy p = new CreditPolicy(0, 0);
        ChatPrice price = new ChatPrice(100, false, 0, 0, 0);
        assertEquals(p.worstCase(List.of(dear), price, 50), p.worstCase(List.of(cheap, dear), price, 50));
        assertEquals(500, p.completionCap(List.of(cheap, dear)), "an injected max_tokens every model accepts");
    }

    @Test
    void affordableTokensIsTheLargestThatFits() {
        for (int bp : new int[] {0, 250, 1000}) {
            CreditPolicy p = new CreditPolicy(bp, 0);
            for (long balance : new long[] {50_000, 123_457, 1_000_000, 7_777_777}) {
                long n = p.affordableTokens(List.of(model), text300, balance);
                if (p.worstCase(List.of(model), text300, 1) > balance) {
                    assertEquals(0, n);
                    continue;
                }
                assertTrue(n >= 1);
                assertTrue(p.worstCase(List.of(model), text300, n) <= balance);
                assertTrue(n == model.completionCap() || p.worstCase(List.of(model), text300, n + 1) > balance,
                        bp + "/" + balance);
            }
        }
        assertEquals(16_384, new CreditPolicy(0, 0).affordableTokens(List.of(model), text300, Money.ofUsd(1_000_000)));
        assertEquals(0, new CreditPolicy(0, 0).affordableTokens(List.of(model), text300, 100));
    }
}
