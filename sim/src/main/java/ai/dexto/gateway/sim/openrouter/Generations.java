package ai.dexto.gateway.sim.openrouter;

import ai.dexto.gateway.sim.provisioning.ProvisionedKey;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Settles generations: charges the key and keeps the stats for {@code GET /generation}. Only the most
 * recent {@value #CAPACITY} are kept, so a long benchmark cannot grow the simulator without bound.
 * With a state directory they also survive restarts ({@link GenerationLog}), so a control plane can
 * still settle a pending cost from {@code /generation} after the simulator came back.
 */
public final class Generations implements AutoCloseable {
    static final int CAPACITY = 100_000;

    private final Map<String, Generation> byId = new ConcurrentHashMap<>();
    private final Queue<String> order = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Clock clock;
    private final GenerationLog log;

    /** Generations in memory only. */
    public Generations(Clock clock) {
        this.clock = clock;
        this.log = null;
    }

    private Generations(Clock clock, GenerationLog log, ModelCatalogue models) {
        this.clock = clock;
        this.log = log;
        for (Generation g : log.load(models, CAPACITY)) {
            remember(g);
        }
    }

    /** Generations kept in {@code file} across restarts; the saved ones are loaded now. */
    public static Generations persistent(Clock clock, Path file, ModelCatalogue models) {
        return new Generations(clock, new GenerationLog(file), models);
    }

    /** Records what was generated (all of it, or what the client got before it left) and bills it. */
    public Usage settle(ChatCall call, int completionTokens, boolean cancelled, String finishReason) {
        Usage usage = Usage.of(call.model(), call.promptTokens(), completionTokens, call.byok(), call.extras());
        ProvisionedKey key = call.key();
        key.charge(usage.cost(), usage.upstreamInferenceCost());
        long now = System.nanoTime();
        long latency = (now - call.startNanos()) / 1_000_000;
        Generation generation = new Generation(call.id(), key.hash(), call.model(), usage, call.stream(), cancelled,
                finishReason, clock.instant(), latency, latency);
        remember(generation);
        if (log != null) {
            log.append(generation);
        }
        return usage;
    }

    private void remember(Generation generation) {
        byId.put(generation.id(), generation);
        order.add(generation.id());
        if (size.incrementAndGet() > CAPACITY) {
            String oldest = order.poll();
            if (oldest != null) {
                byId.remove(oldest);
                size.decrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
        }
    }

    public Generation find(String id) {
        return id == null ? null : byId.get(id);
    }
}
