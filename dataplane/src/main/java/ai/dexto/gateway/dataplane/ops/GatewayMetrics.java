package ai.dexto.gateway.dataplane.ops;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * The gateway's Prometheus metrics. Label combinations are resolved once and cached, so recording on
 * the hot path is a lookup and an add. No exemplars: there is no trace to link them to, and sampling
 * them costs a clock read per observation (RequestMetricsBenchmark).
 */
public final class GatewayMetrics {

    private static final double[] LATENCY_BUCKETS = {
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    /** Fine below 100 µs, where the gateway's own time should stay (target p50 ≤ 20 µs, p99 ≤ 100 µs). */
    private static final double[] OVERHEAD_BUCKETS = {
            0.000005, 0.00001, 0.000015, 0.00002, 0.00003, 0.00004, 0.00005, 0.000075, 0.0001, 0.00015,
            0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1};

    private static final double[] COST_BUCKETS = {
            0.000001, 0.00001, 0.0001, 0.001, 0.01, 0.05, 0.1, 0.5, 1, 5};
    private static final double[] TOKEN_BUCKETS = {
            10, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000, 250_000};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram duration;
    private final DistributionDataPoint ttfb;
    private final DistributionDataPoint upstream;
    private final DistributionDataPoint overhead;
    private final Counter rateLimited;
    private final CounterDataPoint insufficientCredits;
    private final Counter upstreamErrors;
    private final Counter keyLookups;
    private final CounterDataPoint overrunUsd;
    private final CounterDataPoint journalRefusals;
    private final CounterDataPoint keyHeals;
    private final DistributionDataPoint costUsd;
    private final Histogram tokens;
    private final DistributionDataPoint promptTokens;
    private final DistributionDataPoint completionTokens;
    private final ConcurrentHashMap<String, CounterDataPoint> keyLookupPoints = new ConcurrentHashMap<>();
    private final AtomicLong activeStreams = new AtomicLong();
    /** By route, a point per HTTP status (index = status): no boxed key per request. */
    private final ConcurrentHashMap<String, CounterDataPoint[]> requestPoints = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DistributionDataPoint> durationPoints = new ConcurrentHashMap<>();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public GatewayMetrics() {
        requests = Counter.builder().withoutExemplars().name("dexto_gateway_requests_total")
                .help("Requests answered, by route and HTTP status").labelNames("route", "status").register(registry);
        duration = Histogram.builder().withoutExemplars().name("dexto_gateway_request_duration_seconds")
                .help("Time from request received to the last byte written, by route").labelNames("route")
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        ttfb = Histogram.builder().withoutExemplars().name("dexto_gateway_time_to_first_byte_seconds")
                .help("Chat: time from request received to the first body byte relayed to the client")
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        upstream = Histogram.builder().withoutExemplars().name("dexto_gateway_upstream_duration_seconds")
                .help("Chat: time spent waiting on the upstream (request sent to last byte received)")
                .classicOnly().classicUpperBounds(LATENCY_BUCKETS).register(registry);
        overhead = Histogram.builder().withoutExemplars().name("dexto_gateway_overhead_seconds")
                .help("Chat: the gateway's own in-process time, total minus time waiting on the upstream")
                .classicOnly().classicUpperBounds(OVERHEAD_BUCKETS).register(registry);
        rateLimited = Counter.builder().withoutExemplars().name("dexto_gateway_rate_limited_total")
                .help("Requests refused with 429, by scope (user, global, upstream)").labelNames("scope")
                .register(registry);
        insufficientCredits = Counter.builder().withoutExemplars().name("dexto_gateway_insufficient_credits_total")
                .help("Requests refused with 402").register(registry);
        upstreamErrors = Counter.builder().withoutExemplars().name("dexto_gateway_upstream_errors_total")
                .help("Upstream failures, by kind").labelNames("kind").register(registry);
        keyLookups = Counter.builder().withoutExemplars().name("dexto_gateway_key_cache_lookups_total")
                .help("API key checks by the in-memory cache's answer: hit (known key), negative (remembered "
                        + "unknown), miss (asked the control plane)").labelNames("result").register(registry);
        overrunUsd = Counter.builder().withoutExemplars().name("dexto_gateway_reservation_overrun_usd_total")
                .help("USD the upstream charged beyond what requests had reserved").register(registry).labelValues();
        journalRefusals = Counter.builder().withoutExemplars().name("dexto_gateway_journal_refusals_total")
                .help("Chat requests refused with 503 because the journal could not take their usage")
                .register(registry).labelValues();
        keyHeals = Counter.builder().withoutExemplars().name("dexto_gateway_upstream_key_heals_total")
                .help("Upstream keys the upstream refused (401) and the control plane was asked to re-mint")
                .register(registry).labelValues();
        costUsd = Histogram.builder().withoutExemplars().name("dexto_gateway_request_cost_usd")
                .help("Chat: what each request was billed, USD").classicOnly().classicUpperBounds(COST_BUCKETS)
                .register(registry).labelValues();
        tokens = Histogram.builder().withoutExemplars().name("dexto_gateway_request_tokens")
                .help("Chat: tokens per request, by kind").labelNames("kind").classicOnly()
                .classicUpperBounds(TOKEN_BUCKETS).register(registry);
        promptTokens = tokens.labelValues("prompt");
        completionTokens = tokens.labelValues("completion");
        gauge("dexto_gateway_active_streams", "Chat requests being relayed", () -> activeStreams.get());
        // heap, buffer pools, GC, threads: what "memory stays flat under attack" is read from
        JvmMetrics.builder().register(registry);
    }

    /** A labelled gauge read at scrape time: {@code values} gives each label value's reading. */
    public void labelledGauge(String name, String help, String label,
                              java.util.function.Consumer<java.util.function.ObjDoubleConsumer<String>> values) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(label)
                .callback(cb -> values.accept((labelValue, v) -> cb.call(v, labelValue))).register(registry);
    }

    public void keyLookup(String result) {
        CounterDataPoint p = keyLookupPoints.get(result);
        if (p == null) {
            p = keyLookups.labelValues(result);
            keyLookupPoints.put(result, p);
        }
        p.inc();
    }

    public void overrun(long nanos) {
        overrunUsd.inc(nanos / 1e9);
    }

    public void journalRefusal() {
        journalRefusals.inc();
    }

    public void upstreamKeyHeal() {
        keyHeals.inc();
    }

    /** One settled request's bill and tokens. */
    public void charged(long billedNanos, long prompt, long completion) {
        costUsd.observe(billedNanos / 1e9);
        promptTokens.observe(prompt);
        completionTokens.observe(completion);
    }

    public void gauge(String name, String help, DoubleSupplier value) {
        GaugeWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    public void counterFn(String name, String help, DoubleSupplier value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    public void request(String route, int status, long nanos) {
        CounterDataPoint[] byStatus = requestPoints.get(route);
        if (byStatus == null) {
            byStatus = requestPoints.computeIfAbsent(route, r -> new CounterDataPoint[600]);
        }
        CounterDataPoint p = status >= 0 && status < byStatus.length ? byStatus[status] : null;
        if (p == null) {
            p = requests.labelValues(route, Integer.toString(status));
            if (status >= 0 && status < byStatus.length) {
                byStatus[status] = p; // a racing loop may store the same point: labelValues is idempotent
            }
        }
        p.inc();
        DistributionDataPoint d = durationPoints.get(route);
        if (d == null) {
            d = duration.labelValues(route);
            durationPoints.put(route, d);
        }
        d.observe(nanos / 1e9);
    }

    public void timeToFirstByte(long nanos) {
        ttfb.observe(nanos / 1e9);
    }

    public void upstream(long nanos) {
        upstream.observe(nanos / 1e9);
    }

    public void overhead(long nanos) {
        overhead.observe(Math.max(0, nanos) / 1e9);
    }

    public void rateLimited(String scope) {
        rateLimited.labelValues(scope).inc();
    }

    public void insufficientCredits() {
        insufficientCredits.inc();
    }

    public void upstreamError(String kind) {
        upstreamErrors.labelValues(kind).inc();
    }

    public void streamStarted() {
        activeStreams.incrementAndGet();
    }

    public void streamEnded() {
        activeStreams.decrementAndGet();
    }

    public long activeStreams() {
        return activeStreams.get();
    }

    /** The Prometheus text exposition. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    public String contentType() {
        return writer.getContentType();
    }
}
