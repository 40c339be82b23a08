package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.http.Responses;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models the simulator serves. Fixed, so tests and benchmarks can compute expected costs; the
 * first entry is the one scripts pick by default. The {@code /models} body is rendered once.
 */
public final class ModelCatalogue {
    private static final long CREATED = 1_721_260_800L;

    private final List<Model> models = List.of(
            new Model("openai/gpt-4o-mini", "OpenAI: GPT-4o-mini", "OpenAI", 128_000, 16_384,
                    new BigDecimal("0.00000015"), new BigDecimal("0.0000006"), false),
            new Model("anthropic/claude-3.5-sonnet", "Anthropic: Claude 3.5 Sonnet", "Anthropic", 200_000, 8_192,
                    new BigDecimal("0.000003"), new BigDecimal("0.000015"), false),
            new Model("meta-llama/llama-3.1-8b-instruct", "Meta: Llama 3.1 8B Instruct", "DeepInfra", 131_072, 8_192,
                    new BigDecimal("0.00000002"), new BigDecimal("0.00000005"), false),
            new Model("deepseek/deepseek-r1", "DeepSeek: R1", "DeepSeek", 163_840, 32_768,
                    new BigDecimal("0.0000004"), new BigDecimal("0.000002"), true),
            // priced by every field OpenRouter lists, so the gateway's reservation is tried on all of them
            new Model("openai/gpt-4o", "OpenAI: GPT-4o", "OpenAI", 128_000, 16_384,
                    new BigDecimal("0.0000025"), new BigDecimal("0.00001"), false, BigDecimal.ZERO,
                    new BigDecimal("0.003613"), new BigDecimal("0.01"), BigDecimal.ZERO),
            new Model("perplexity/sonar-reasoning", "Perplexity: Sonar Reasoning", "Perplexity", 127_000, 8_000,
                    new BigDecimal("0.000001"), new BigDecimal("0.000005"), true, new BigDecimal("0.005"),
                    BigDecimal.ZERO, new BigDecimal("0.008"), new BigDecimal("0.000008")));
    private final Map<String, Model> byId = new LinkedHashMap<>();
    private final byte[] modelsJson;

    public ModelCatalogue() {
        for (Model model : models) {
            byId.put(model.id(), model);
        }
        modelsJson = Responses.toBytes(Map.of("data", models.stream().map(ModelCatalogue::toJson).toList()));
    }

    public Model find(String id) {
        return id == null ? null : byId.get(id);
    }

    public List<Model> all() {
        return models;
    }

    public byte[] modelsJson() {
        return modelsJson;
    }

    private static Map<String, Object> toJson(Model model) {
        Map<String, Object> pricing = new LinkedHashMap<>();
        pricing.put("prompt", model.promptPrice().toPlainString());
        pricing.put("completion", model.completionPrice().toPlainString());
        pricing.put("request", model.requestPrice().toPlainString());
        pricing.put("image", model.imagePrice().toPlainString());
        pricing.put("web_search", model.webSearchPrice().toPlainString());
        pricing.put("internal_reasoning", model.internalReasoningPrice().toPlainString());
        Map<String, Object> topProvider = new LinkedHashMap<>();
        topProvider.put("context_length", model.contextLength());
        topProvider.put("max_completion_tokens", model.maxCompletionTokens());
        topProvider.put("is_moderated", false);
        Map<String, Object> architecture = new LinkedHashMap<>();
        architecture.put("modality", "text->text");
        architecture.put("input_modalities", List.of("text"));
        architecture.put("output_modalities", List.of("text"));
        architecture.put("tokenizer", "Other");
        architecture.put("instruct_type", null);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", model.id());
        json.put("canonical_slug", model.id());
        json.put("name", model.name());
        json.put("created", CREATED);
        json.put("description", "Simulated " + model.name());
        json.put("context_length", model.contextLength());
        json.put("architecture", architecture);
        json.put("pricing", pricing);
        json.put("top_provider", topProvider);
        json.put("per_request_limits", null);
        json.put("supported_parameters", model.reasoning()
                ? List.of("max_tokens", "temperature", "stream", "reasoning", "include_reasoning")
                : List.of("max_tokens", "temperature", "stream", "stop", "tools"));
        return json;
    }
}
