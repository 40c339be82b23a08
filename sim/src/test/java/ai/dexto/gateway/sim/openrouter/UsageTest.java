package ai.dexto.gateway.sim.openrouter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UsageTest {
    private final Model mini = new ModelCatalogue().find("openai/gpt-4o-mini");

    @Test
    void costIsPromptTimesPromptPricePlusCompletionTimesCompletionPriceExactly() {
        Usage usage = Usage.of(mini, 7, 20, false);
        // 7 × 0.00000015 + 20 × 0.0000006 = 0.00000105 + 0.000012
        assertEquals(0, new BigDecimal("0.00001305").compareTo(usage.cost()));
        assertNull(usage.upstreamInferenceCost());
    }

    @Test
    void byokBillsAFivePercentFeeAndReportsTheProviderChargeApart() {
        Usage usage = Usage.of(mini, 7, 20, true);
        assertEquals(0, new BigDecimal("0.00001305").compareTo(usage.upstreamInferenceCost()));
        assertEquals(0, new BigDecimal("0.0000006525").compareTo(usage.cost()));
        assertTrue(usage.byok());
    }

    @Test
    void accountingFieldsAppearOnlyWhenRequested() {
        Usage usage = Usage.of(mini, 1, 1, false);
        assertEquals(3, usage.toJson(false).size());
        Map<String, Object> full = usage.toJson(true);
        assertEquals(new BigDecimal("0.00000075"), full.get("cost"));
        assertTrue(full.containsKey("cost_details"));
        assertTrue(full.containsKey("prompt_tokens_details"));
        assertTrue(full.containsKey("completion_tokens_details"));
    }

    @Test
    void reasoningModelReportsReasoningTokensWithinCompletionTokens() {
        Model r1 = new ModelCatalogue().find("deepseek/deepseek-r1");
        Usage usage = Usage.of(r1, 10, 20, false);
        assertEquals(5, usage.reasoningTokens());
    }
}
