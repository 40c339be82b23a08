package ai.dexto.gateway.bench.fairness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One hostile workload run by a few threads in a loop until stopped, counting what the gateway
 * answered (a status, or how the connection ended), so the report shows each attack was really
 * attempted and how it was turned away.
 */
abstract class Attack implements AutoCloseable {
    private final String name;
    private final int threads;
    private final List<Thread> running = new ArrayList<>();
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    volatile boolean stopped;

    Attack(String name, int threads) {
        this.name = name;
        this.threads = threads;
    }

    /** One attempt by thread {@code worker}; its outcome ("401", "reset", ...). */
    abstract String attempt(int worker, long n) throws Exception;

    void start() {
        for (int i = 0; i < threads; i++) {
            int worker = i;
            Thread t = new Thread(() -> {
                for (long n = 0; !stopped; n++) {
                    String outcome;
                    try {
                        outcome = attempt(worker, n);
                    } catch (IOException | InterruptedException e) {
                        outcome = stopped ? "stopped" : "io: " + e.getClass().getSimpleName();
                    } catch (Exception e) {
                        outcome = "error: " + e;
                    }
                    outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                }
            }, name + "-" + i);
            t.setDaemon(true);
            running.add(t);
            t.start();
        }
    }

    String name() {
        return name;
    }

    String summary() {
        Map<String, Long> sorted = new TreeMap<>();
        outcomes.forEach((k, v) -> sorted.put(k, v.sum()));
        sorted.remove("stopped");
        return sorted.toString();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Thread t : running) {
            t.interrupt();
            t.join(60_000);
        }
    }

    /** 127.{b}.{c}.{d}: loopback addresses, so each hostile source has its own per-address budget. */
    static InetAddress loopback(int index) {
        try {
            return InetAddress.getByAddress(new byte[]{127, (byte) (1 + index / 62_500), (byte) (index / 250 % 250),
                    (byte) (2 + index % 250)});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
