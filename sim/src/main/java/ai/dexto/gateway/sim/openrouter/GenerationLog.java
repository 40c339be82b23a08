package ai.dexto.gateway.sim.openrouter;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulator's generations kept across its restarts, as OpenRouter keeps them: one JSON line per
 * settled generation, appended and flushed as it settles (so even a killed simulator keeps every line
 * it wrote but the one it was writing, which is skipped on load). Loading keeps the newest
 * {@code capacity}; the file is rewritten with just those, so it stays bounded too.
 */
final class GenerationLog implements AutoCloseable {
    private static final TypeReference<Map<String, Object>> LINE = new TypeReference<>() { };

    private final Path file;
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private BufferedWriter out;

    GenerationLog(Path file) {
        this.file = file;
    }

    /** The saved generations, oldest first (at most {@code capacity}), and the file opened for appends. */
    synchronized List<Generation> load(ModelCatalogue models, int capacity) {
        List<Generation> loaded = new ArrayList<>();
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    Generation g = parse(line, models);
                    if (g != null) {
                        loaded.add(g);
                    }
                }
            }
            if (loaded.size() > capacity) {
                loaded = new ArrayList<>(loaded.subList(loaded.size() - capacity, loaded.size()));
            }
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (Generation g : loaded) {
                    w.write(line(g));
                    w.newLine();
                }
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the saved generations in " + file, e);
        }
        return loaded;
    }

    synchronized void append(Generation g) {
        if (out == null) {
            return;
        }
        try {
            out.write(line(g));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save a generation to " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the lines were flushed as they were written
            }
            out = null;
        }
    }

    private String line(Generation g) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", g.id());
        m.put("key_hash", g.keyHash());
        m.put("model", g.model().id());
        m.put("prompt_tokens", g.usage().promptTokens());
        m.put("completion_tokens", g.usage().completionTokens());
        m.put("reasoning_tokens", g.usage().reasoningTokens());
        m.put("cost", g.usage().cost().toPlainString());
        m.put("upstream_inference_cost", g.usage().upstreamInferenceCost() == null ? null
                : g.usage().upstreamInferenceCost().toPlainString());
        m.put("byok", g.usage().byok());
        m.put("streamed", g.streamed());
        m.put("cancelled", g.cancelled());
        m.put("finish_reason", g.finishReason());
        m.put("created_at", g.createdAt().toString());
        m.put("latency", g.latencyMillis());
        m.put("generation_time", g.generationMillis());
        return json.writeValueAsString(m);
    }

    /** Null for a line that does not parse (the one a killed simulator was writing) or an unknown model. */
    private Generation parse(String line, ModelCatalogue models) {
        try {
            Map<String, Object> m = json.readValue(line, LINE);
            Model model = models.find((String) m.get("model"));
            if (model == null) {
                return null;
            }
            Object upstream = m.get("upstream_inference_cost");
            Usage usage = new Usage(((Number) m.get("prompt_tokens")).intValue(),
                    ((Number) m.get("completion_tokens")).intValue(), ((Number) m.get("reasoning_tokens")).intValue(),
                    new BigDecimal((String) m.get("cost")), upstream == null ? null : new BigDecimal((String) upstream),
                    (Boolean) m.get("byok"));
            return new Generation((String) m.get("id"), (String) m.get("key_hash"), model, usage,
                    (Boolean) m.get("streamed"), (Boolean) m.get("cancelled"), (String) m.get("finish_reason"),
                    Instant.parse((String) m.get("created_at")), ((Number) m.get("latency")).longValue(),
                    ((Number) m.get("generation_time")).longValue());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
