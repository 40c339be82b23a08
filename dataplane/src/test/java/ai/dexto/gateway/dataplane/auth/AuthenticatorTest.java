package ai.dexto.gateway.dataplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.dataplane.account.UserAccount;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AuthenticatorTest {
    final KeyCache cache = new KeyCache(Duration.ofMinutes(1), 1000);
    final Authenticator auth = new Authenticator(cache);
    final String key = ApiKeys.generate(new SecureRandom());
    final KeyHash hash = KeyHash.ofHex(ApiKeys.hashHex(key));

    @Test
    void knownActiveKeyIsFoundByItsHash() {
        KeyEntry entry = new KeyEntry(1, new UserAccount("u"), true, 1);
        cache.put(hash, entry);
        Authenticator.Scratch s = auth.scratch();
        assertEquals(AuthResult.OK, auth.authenticate("Bearer " + key, s));
        assertSame(entry, s.entry());
        assertEquals(ApiKeys.hashHex(key), s.hash().toHex());
    }

    @Test
    void refusalsAreTold() {
        Authenticator.Scratch s = auth.scratch();
        assertEquals(AuthResult.MISSING, auth.authenticate(null, s));
        assertEquals(AuthResult.MALFORMED, auth.authenticate("Basic abc", s));
        assertEquals(AuthResult.MALFORMED, auth.authenticate("Bearer dxt_short", s));
        assertEquals(AuthResult.MISS, auth.authenticate("Bearer " + key, s));
        cache.rememberUnknown(hash);
        assertEquals(AuthResult.UNKNOWN, auth.authenticate("Bearer " + key, s));
        cache.put(hash, new KeyEntry(1, new UserAccount("u"), false, 2));
        assertEquals(AuthResult.REVOKED, auth.authenticate("Bearer " + key, s), "the feed's entry clears the negative answer");
    }

    @Test
    void anOlderVersionNeverReplacesANewerOneAndALookupNeverReplacesTheFeed() {
        UserAccount u = new UserAccount("u");
        cache.put(hash, new KeyEntry(1, u, false, 7));
        cache.put(hash, new KeyEntry(1, u, true, 6));
        assertEquals(false, cache.get(hash).active(), "a stale active version cannot undo the revocation");
        KeyEntry held = cache.putIfAbsent(hash, new KeyEntry(1, u, true, 9));
        assertEquals(false, held.active(), "a cache-miss answer fills only misses");
        cache.put(hash, new KeyEntry(1, u, true, 8));
        assertTrue(cache.get(hash).active(), "a newer feed version wins");
    }

    @Test
    void theNegativeCacheIsBounded() {
        KeyCache small = new KeyCache(Duration.ofMinutes(1), 100);
        for (int i = 0; i < 10_000; i++) {
            small.rememberUnknown(KeyHash.ofHex(ApiKeys.hashHex(ApiKeys.generate(new SecureRandom()))));
        }
        small.cleanUp();
        assertTrue(small.unknownSize() <= 100, "size " + small.unknownSize());
    }
}
