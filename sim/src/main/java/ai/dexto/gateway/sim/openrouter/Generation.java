package ai.dexto.gateway.sim.openrouter;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The stored stats of one finished or aborted generation, as {@code GET /generation} reports them.
 *
 * @param keyHash the key that made it: only that key may read it
 */
public record Generation(String id, String keyHash, Model model, Usage usage, boolean streamed, boolean cancelled,
                         String finishReason, Instant createdAt, long latencyMillis, long generationMillis) {

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("upstream_id", "chatcmpl-" + id.substring(4));
        json.put("total_cost", Usage.plain(usage.cost()));
        json.put("cache_discount", null);
        json.put("upstream_inference_cost", usage.upstreamInferenceCost() == null
                ? null : Usage.plain(usage.upstreamInferenceCost()));
        json.put("created_at", createdAt.toString());
        json.put("model", model.id());
        json.put("app_id", null);
        json.put("streamed", streamed);
        json.put("cancelled", cancelled);
        json.put("provider_name", model.provider());
        json.put("latency", latencyMillis);
        json.put("moderation_latency", null);
        json.put("generation_time", generationMillis);
        json.put("finish_reason", finishReason);
        json.put("native_finish_reason", finishReason);
        json.put("tokens_prompt", usage.promptTokens());
        json.put("tokens_completion", usage.completionTokens());
        json.put("native_tokens_prompt", usage.promptTokens());
        json.put("native_tokens_completion", usage.completionTokens());
        json.put("native_tokens_reasoning", usage.reasoningTokens());
        json.put("native_tokens_cached", 0);
        json.put("num_media_prompt", null);
        json.put("num_media_completion", null);
        json.put("num_search_results", null);
        json.put("origin", "");
        json.put("usage", Usage.plain(usage.cost()));
        json.put("is_byok", usage.byok());
        return json;
    }
}
