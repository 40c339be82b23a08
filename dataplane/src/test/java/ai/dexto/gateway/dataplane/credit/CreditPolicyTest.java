package ai.dexto.gateway.dataplane.credit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import org.junit.jupiter.api.Test;

class CreditPolicyTest {
    final ModelInfo model = new ModelInfo("m", Money.parsePicoUsdPerToken("0.00000015"),
            Money.parsePicoUsdPerToken("0.0000006"), 128_000, 16_384);

    @Test
    void worstCaseIsPromptBoundPlusMaxTokensWithMarkup() {
        CreditPolicy p = new CreditPolicy(1000);
        long raw = Money.costOf(200, model.promptPicoPerToken()) + Money.costOf(100, model.completionPicoPerToken());
        assertEquals(Money.withMarkup(raw, 1000), p.worstCase(model, 200, 100));
    }

    @Test
    void affordableTokensIsTheLargestThatFits() {
        for (int bp : new int[] {0, 250, 1000}) {
            CreditPolicy p = new CreditPolicy(bp);
            for (long balance : new long[] {50_000, 123_457, 1_000_000, 7_777_777}) {
                long n = p.affordableTokens(model, 300, balance);
                if (p.worstCase(model, 300, 1) > balance) {
                    assertEquals(0, n);
                    continue;
                }
                assertTrue(n >= 1);
                assertTrue(p.worstCase(model, 300, n) <= balance);
                assertTrue(n == model.completionCap() || p.worstCase(model, 300, n + 1) > balance, bp + "/" + balance);
            }
        }
        assertEquals(16_384, new CreditPolicy(0).affordableTokens(model, 300, Money.ofUsd(1_000_000)));
        assertEquals(0, new CreditPolicy(0).affordableTokens(model, 300, 100));
    }
}
