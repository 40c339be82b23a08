package ai.dexto.gateway.dataplane.credit;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import java.util.List;

/**
 * What a request may cost at worst, and the largest {@code max_tokens} a balance can afford. Every
 * field that changes what the upstream may charge is priced here (the decoder refuses the rest):
 * <ul>
 *   <li>the prompt: its bound is the body's byte length (the upstream counts at most a token per
 *       byte of text), or the model's context length when images, audio or files are attached;</li>
 *   <li>the completion: {@code max_tokens} at the dearer of the completion and reasoning prices;</li>
 *   <li>the per-request price, the per-image price times the images, and web search (the model's
 *       price, or the plugin's results at the configured price per result, whichever is dearer);</li>
 *   <li>a {@code models} fallback list: the dearest of its models.</li>
 * </ul>
 * Then the markup, rounding up. All exact integer arithmetic.
 */
public final class CreditPolicy {
    private final int markupBasisPoints;
    private final long webResultNanos;

    public CreditPolicy(int markupBasisPoints, long webResultNanos) {
        this.markupBasisPoints = markupBasisPoints;
        this.webResultNanos = webResultNanos;
    }

    public int markupBasisPoints() {
        return markupBasisPoints;
    }

    /** What the user pays for an upstream charge. */
    public long billed(long upstreamNanos) {
        return Money.withMarkup(upstreamNanos, markupBasisPoints);
    }

    /** The worst case over the models of one request (the first is the one asked for). */
    public long worstCase(List<ModelInfo> models, ChatPrice price, long maxTokens) {
        long worst = 0;
        for (int i = 0; i < models.size(); i++) {
            worst = Math.max(worst, upstreamWorstCase(models.get(i), price, maxTokens));
        }
        return billed(worst);
    }

    long upstreamWorstCase(ModelInfo m, ChatPrice p, long maxTokens) {
        long promptTokens = p.media() ? Math.max(p.promptBytes(), m.promptCap()) : p.promptBytes();
        long cost = Money.add(Money.costOf(promptTokens, m.promptPicoPerToken()),
                Money.costOf(maxTokens, m.outputPicoPerToken()));
        cost = Money.add(cost, m.requestNanos());
        cost = Money.add(cost, Math.multiplyExact(m.imageNanos(), (long) p.images()));
        if (p.webSearches() > 0) {
            long plugin = Math.multiplyExact(webResultNanos, (long) p.webResults());
            cost = Money.add(cost, Math.max(m.webSearchNanos(), plugin));
        }
        return cost;
    }

    /** The completion limit every model of the request accepts. */
    public long completionCap(List<ModelInfo> models) {
        long cap = Long.MAX_VALUE;
        for (int i = 0; i < models.size(); i++) {
            cap = Math.min(cap, models.get(i).completionCap());
        }
        return cap;
    }

    /**
     * The most completion tokens {@code spendable} covers at worst, capped by the models; 0 if not even
     * one. The worst case grows with the tokens, so a binary search finds the exact largest.
     */
    public long affordableTokens(List<ModelInfo> models, ChatPrice price, long spendable) {
        if (spendable <= 0 || worstCase(models, price, 1) > spendable) {
            return 0;
        }
        long lo = 1;
        long hi = completionCap(models);
        while (lo < hi) {
            long mid = lo + (hi - lo + 1) / 2;
            if (worstCase(models, price, mid) <= spendable) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
