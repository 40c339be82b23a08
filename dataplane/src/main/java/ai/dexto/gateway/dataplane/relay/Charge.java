package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.common.usage.UsageEvent;
import ai.dexto.gateway.dataplane.credit.CreditPolicy;
import ai.dexto.gateway.dataplane.models.ModelInfo;

/**
 * What a finished request is billed, from the best record there is: the usage the upstream put in
 * its answer; else its stored record of the generation (looked up); else, when the answer gave token
 * counts but no cost, the tokens at the model's prices. When none of these is known but the
 * generation has an id, the charge is pending: the reservation is held as a provisional amount and
 * the control plane's reconciler settles it from the upstream's record. A request with neither a
 * cost nor a generation id reached no generation anyone can name, and is billed nothing.
 */
final class Charge {
    private Charge() {
    }

    /** Fills the draft's costs and token counts. */
    static void fill(UsageEvent draft, UsageScanner scanner, GenerationLookup.Record record, ModelInfo model,
                     long reservedNanos, CreditPolicy credit) {
        long upstream = -1;
        draft.promptTokens = Math.max(0, scanner.promptTokens);
        draft.completionTokens = Math.max(0, scanner.completionTokens);
        if (scanner.usageSeen()) {
            upstream = scanner.upstreamChargeNanos();
        } else if (record.costNanos() >= 0) {
            upstream = record.costNanos();
            draft.promptTokens = Math.max(0, record.promptTokens());
            draft.completionTokens = Math.max(0, record.completionTokens());
        } else if (scanner.promptTokens >= 0 && scanner.completionTokens >= 0) {
            upstream = Money.add(Money.costOf(scanner.promptTokens, model.promptPicoPerToken()),
                    Money.costOf(scanner.completionTokens, model.completionPicoPerToken()));
        }
        draft.reasoningTokens = scanner.reasoningTokens;
        draft.cachedTokens = scanner.cachedTokens;
        draft.generationId.setLength(0);
        draft.generationId.append(scanner.generationId);
        if (upstream >= 0) {
            draft.upstreamCostNanos = upstream;
            draft.billedCostNanos = credit.billed(upstream);
            draft.costPending = false;
        } else if (scanner.generationId.length() > 0) {
            draft.upstreamCostNanos = reservedNanos;
            draft.billedCostNanos = reservedNanos;
            draft.costPending = true;
        } else {
            draft.upstreamCostNanos = 0;
            draft.billedCostNanos = 0;
            draft.costPending = false;
        }
    }
}
