package ai.dexto.gateway.bench.load;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedKey;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedTier;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.common.feed.Json;
import ai.dexto.gateway.dataplane.auth.KeyCache;
import ai.dexto.gateway.dataplane.account.Accounts;
import ai.dexto.gateway.dataplane.feed.FeedApplier;
import ai.dexto.gateway.dataplane.ratelimit.RateLimiter;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What the data plane holds for N keys: a feed snapshot of N users (each with a sealed upstream key)
 * and N API keys, as the control plane serves it, is parsed and applied into the data plane's own
 * structures (key cache, accounts, rate limiter) exactly as at start-up; then the heap they retain
 * after a full GC, the process RSS, and the time parse + apply took; then the same once every user's
 * upstream key has been opened (they are opened on first use).
 *
 * <pre>java -Xmx1g -cp bench/target/benchmarks.jar ai.dexto.gateway.bench.load.KeyScaleProbe [keys]</pre>
 */
public final class KeyScaleProbe {
    private KeyScaleProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        byte[] key = new byte[32];
        SecureRandom random = new SecureRandom();
        random.nextBytes(key);
        UpstreamKeyCipher cipher = new UpstreamKeyCipher(key, new SecureRandom());
        ObjectMapper json = Json.newMapper();

        Path file = Files.createTempFile("dexto-snapshot-", ".json");
        {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            HexFormat hex = HexFormat.of();
            List<FeedUser> users = new ArrayList<>(n);
            List<FeedKey> keys = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String user = "user-" + i;
                users.add(new FeedUser(user, "free", 10_000_000_000L, 0,
                        cipher.seal(user, "sk-or-v1-" + hex.formatHex(sha.digest(("u" + i).getBytes())))));
                keys.add(new FeedKey(ApiKeys.hashHex(ApiKeys.generate(random)), i, user, FeedKey.ACTIVE));
            }
            json.writeValue(file.toFile(), new FeedSnapshot(1, List.of(new FeedTier("free", 60, 10, false)), users, keys));
        }
        System.gc();
        long base = heapUsed();

        Accounts accounts = new Accounts();
        KeyCache cache = new KeyCache(java.time.Duration.ofMinutes(1), 100_000);
        RateLimiter limiter = new RateLimiter(10_000, 1_000);
        FeedApplier applier = new FeedApplier(accounts, cache, limiter, cipher);
        long t0 = System.nanoTime();
        FeedSnapshot snapshot = json.readValue(file.toFile(), FeedSnapshot.class);
        long parsed = System.nanoTime();
        applier.apply(snapshot);
        long applied = System.nanoTime();
        snapshot = null;
        System.gc();
        long held = heapUsed() - base;
        System.out.printf(Locale.ROOT, "%,d keys and users (snapshot %,d bytes of JSON): parse %.2f s + apply %.2f s; "
                        + "heap held after GC %.0f MiB (%.0f B per key+user); process RSS %s; cache size %,d%n",
                n, Files.size(file), (parsed - t0) / 1e9, (applied - parsed) / 1e9, held / 1048576.0, (double) held / n,
                rss(), cache.size());
        Files.delete(file);

        // worst case: every user has called once, so every upstream key is open in memory
        long o0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (accounts.get("user-" + i).upstreamKey() == null) {
                throw new IllegalStateException("upstream key of user-" + i + " does not open");
            }
        }
        long opened = System.nanoTime();
        System.gc();
        long heldOpen = heapUsed() - base;
        System.out.printf(Locale.ROOT, "every upstream key opened: %.2f s (%.1f us each, on first use); "
                        + "heap held after GC %.0f MiB (%.0f B per key+user)%n",
                (opened - o0) / 1e9, (opened - o0) / 1e3 / n, heldOpen / 1048576.0, (double) heldOpen / n);
        // keep the structures reachable until measured
        if (cache.size() != n || applier.cursor() != 1) {
            throw new IllegalStateException("not all keys applied");
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String rss() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return line.substring(6).trim();
            }
        }
        return "?";
    }
}
