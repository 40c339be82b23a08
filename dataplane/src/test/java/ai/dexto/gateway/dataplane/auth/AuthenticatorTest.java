package ai.dexto.gateway.dataplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.dataplane.credit.UserAccount;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class AuthenticatorTest {
    final KeyCache cache = new KeyCache();
    final Authenticator auth = new Authenticator(cache);
    final String key = ApiKeys.generate(new SecureRandom());

    @Test
    void knownActiveKeyIsFoundByItsHash() {
        KeyEntry entry = new KeyEntry(1, new UserAccount("u"), true);
        cache.put(KeyHash.ofHex(ApiKeys.hashHex(key)), entry);
        Authenticator.Scratch s = auth.scratch();
        assertEquals(AuthResult.OK, auth.authenticate("Bearer " + key, s, 0));
        assertSame(entry, s.entry());
        assertEquals(ApiKeys.hashHex(key), s.hash().toHex());
    }

    @Test
    void refusalsAreTold() {
        Authenticator.Scratch s = auth.scratch();
        assertEquals(AuthResult.MISSING, auth.authenticate(null, s, 0));
        assertEquals(AuthResult.MALFORMED, auth.authenticate("Basic abc", s, 0));
        assertEquals(AuthResult.MALFORMED, auth.authenticate("Bearer dxt_short", s, 0));
        assertEquals(AuthResult.MISS, auth.authenticate("Bearer " + key, s, 0));
        cache.rememberUnknown(KeyHash.ofHex(ApiKeys.hashHex(key)), 1_000);
        assertEquals(AuthResult.UNKNOWN, auth.authenticate("Bearer " + key, s, 0));
        assertEquals(AuthResult.MISS, auth.authenticate("Bearer " + key, s, 2_000), "negative answer expired");
        cache.put(KeyHash.ofHex(ApiKeys.hashHex(key)), new KeyEntry(1, new UserAccount("u"), false));
        assertEquals(AuthResult.REVOKED, auth.authenticate("Bearer " + key, s, 0));
    }
}
