package ai.dexto.gateway.bench.jmh;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.dataplane.auth.AuthResult;
import ai.dexto.gateway.dataplane.auth.Authenticator;
import ai.dexto.gateway.dataplane.auth.KeyCache;
import ai.dexto.gateway.dataplane.auth.KeyEntry;
import ai.dexto.gateway.dataplane.auth.KeyHash;
import ai.dexto.gateway.dataplane.account.UserAccount;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Steps 1–2 on a cache hit: bearer parse, format + checksum, SHA-256, map lookup among 10,000 keys. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@Fork(jvmArgsAppend = {"-Djmh.executor=CUSTOM",
        "-Djmh.executor.class=ai.dexto.gateway.bench.jmh.EventLoopLikeExecutor"})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyLookupBenchmark {
    private Authenticator auth;
    private Authenticator.Scratch scratch;
    private String header;
    private String malformed;

    @Setup
    public void setUp() {
        KeyCache cache = new KeyCache(java.time.Duration.ofMinutes(1), 100_000);
        SecureRandom random = new SecureRandom();
        UserAccount account = new UserAccount("bench-user");
        String key = null;
        for (int i = 0; i < 10_000; i++) {
            key = ApiKeys.generate(random);
            cache.put(KeyHash.ofHex(ApiKeys.hashHex(key)), new KeyEntry(i, account, true, 1));
        }
        auth = new Authenticator(cache);
        scratch = auth.scratch();
        header = "Bearer " + key;
        malformed = "Bearer " + key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
    }

    @Benchmark
    public AuthResult hit() {
        return auth.authenticate(header, scratch);
    }

    @Benchmark
    public AuthResult malformedChecksum() {
        return auth.authenticate(malformed, scratch);
    }
}
