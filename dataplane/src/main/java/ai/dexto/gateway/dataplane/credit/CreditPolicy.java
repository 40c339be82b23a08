package ai.dexto.gateway.dataplane.credit;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.dataplane.models.ModelInfo;

/**
 * Worst-case cost of a request and the largest {@code max_tokens} a balance can afford. The prompt's
 * upper bound is the request body's byte length (the upstream promises prompt tokens ≤ body bytes).
 * All exact integer arithmetic: nanos, pico-USD prices, markup in basis points rounding up.
 */
public final class CreditPolicy {
    private final int markupBasisPoints;

    public CreditPolicy(int markupBasisPoints) {
        this.markupBasisPoints = markupBasisPoints;
    }

    public int markupBasisPoints() {
        return markupBasisPoints;
    }

    /** What the user pays for an upstream charge. */
    public long billed(long upstreamNanos) {
        return Money.withMarkup(upstreamNanos, markupBasisPoints);
    }

    public long worstCase(ModelInfo model, long promptBound, long maxTokens) {
        return billed(Money.add(Money.costOf(promptBound, model.promptPicoPerToken()),
                Money.costOf(maxTokens, model.completionPicoPerToken())));
    }

    /** The most completion tokens {@code spendable} covers, capped by the model; 0 if none. */
    public long affordableTokens(ModelInfo model, long promptBound, long spendable) {
        long cap = model.completionCap();
        if (spendable <= 0 || worstCase(model, promptBound, 1) > spendable) {
            return 0;
        }
        long price = model.completionPicoPerToken();
        if (price <= 0) {
            return cap;
        }
        long n;
        try {
            long budget = Math.multiplyExact(spendable, 10_000L) / (10_000L + markupBasisPoints);
            long left = budget - Money.costOf(promptBound, model.promptPicoPerToken());
            n = left <= 0 ? 0 : Math.multiplyExact(left, 1000L) / price;
        } catch (ArithmeticException hugeBalance) {
            n = cap;
        }
        n = Math.min(n, cap);
        while (n > 0 && worstCase(model, promptBound, n) > spendable) {
            n--;
        }
        // Rounding (nano costs round up, the markup divides down) can leave a token or two unused.
        for (int i = 0; i < 8 && n < cap && worstCase(model, promptBound, n + 1) <= spendable; i++) {
            n++;
        }
        return n;
    }
}
