package ai.dexto.gateway.dataplane.warmup;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.common.feed.FeedKey;
import ai.dexto.gateway.common.feed.FeedSnapshot;
import ai.dexto.gateway.common.feed.FeedTier;
import ai.dexto.gateway.common.feed.FeedUser;
import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.dataplane.front.Transport;
import java.security.SecureRandom;
import java.util.List;

/**
 * Warming up before ready: a just-started JVM interprets the request path for its first thousands of
 * requests, so a node that reported ready at once would serve its first seconds at a fraction of its
 * speed. The gateway therefore runs real traffic through a throwaway copy of itself — same code, its
 * own loopback stand-in for the upstream, its own journal in a temporary directory, synthetic users
 * on an unlimited and a limited tier — until the JIT has compiled it, and only then binds the real
 * ports and reports ready. Nothing of the warm-up reaches the upstream, the journal or the control
 * plane.
 */
public final class WarmUps {
    private WarmUps() {
    }

    /** The stand-in upstream for the throwaway gateway; close it afterwards. */
    public static AutoCloseable upstream(Transport transport, String[] baseUrlOut) throws InterruptedException {
        WarmUpUpstream u = WarmUpUpstream.start(transport);
        baseUrlOut[0] = u.baseUrl();
        return u;
    }

    public static String model() {
        return WarmUpUpstream.MODEL;
    }

    /**
     * Drives the throwaway gateway at {@code port} (and its ops port) with the {@code users}' keys until the JIT has compiled what the traffic made hot ({@link JitWatch}), for at
     * least {@code minMillis} and at most {@code maxMillis}.
     */
    public static Result drive(int port, int opsPort, Users users, int connections, long minMillis, long maxMillis)
            throws InterruptedException {
        JitWatch watch = new JitWatch(minMillis, maxMillis);
        long answered = WarmUpLoad.run(port, opsPort, users.activeKeys(), users.revokedKey(), connections, watch);
        return new Result(answered, watch.elapsedMillis(), watch.quiet());
    }

    /** What a warm-up did: answers read whole, how long it ran, whether it ended on a quiet JIT. */
    public record Result(long answered, long millis, boolean jitQuiet) {
    }

    /**
     * The warm-up's synthetic users, for the throwaway copy's feed: one on an unlimited tier, one on a
     * limited tier it never exhausts (so the bucket code runs), and a revoked key.
     */
    public static Users users(UpstreamKeyCipher cipher) {
        SecureRandom random = new SecureRandom();
        String unlimited = ApiKeys.generate(random);
        String limited = ApiKeys.generate(random);
        String revoked = ApiKeys.generate(random);
        FeedSnapshot snapshot = new FeedSnapshot(1,
                List.of(new FeedTier("unlimited", 0, 0, true), new FeedTier("limited", 60_000_000, 1_000_000, false)),
                List.of(new FeedUser("warmup", "unlimited", Money.ofUsd(1_000_000), 0, cipher.seal("warmup", "warmup")),
                        new FeedUser("warmup-limited", "limited", Money.ofUsd(1_000_000), 0,
                                cipher.seal("warmup-limited", "warmup"))),
                List.of(new FeedKey(ApiKeys.hashHex(unlimited), 1, "warmup", FeedKey.ACTIVE),
                        new FeedKey(ApiKeys.hashHex(limited), 1, "warmup-limited", FeedKey.ACTIVE),
                        new FeedKey(ApiKeys.hashHex(revoked), 1, "warmup", FeedKey.REVOKED)));
        return new Users(snapshot, List.of(unlimited, limited), revoked);
    }

    public record Users(FeedSnapshot snapshot, List<String> activeKeys, String revokedKey) {
    }
}
