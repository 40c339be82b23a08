package ai.dexto.gateway.common.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ApiKeysTest {
    private final SecureRandom random = new SecureRandom();

    @Test
    void generatedKeysHaveThePrefixFixedLengthAndValidChecksum() {
        for (int i = 0; i < 1000; i++) {
            String key = ApiKeys.generate(random);
            assertTrue(key.startsWith("dxt_"), key);
            assertEquals(ApiKeys.LENGTH, key.length());
            assertTrue(ApiKeys.isWellFormed(key), key);
        }
    }

    @Test
    void everySingleCharacterTypoIsRejectedByTheChecksum() {
        String key = ApiKeys.generate(random);
        String alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int pos = 4; pos < key.length(); pos++) {
            for (char c : alphabet.toCharArray()) {
                if (c == key.charAt(pos)) {
                    continue;
                }
                String typo = key.substring(0, pos) + c + key.substring(pos + 1);
                assertFalse(ApiKeys.isWellFormed(typo), typo);
            }
        }
    }

    @Test
    void malformedKeysAreRejected() {
        String key = ApiKeys.generate(random);
        assertFalse(ApiKeys.isWellFormed(null));
        assertFalse(ApiKeys.isWellFormed(""));
        assertFalse(ApiKeys.isWellFormed("sk-or-v1-" + key.substring(4)));
        assertFalse(ApiKeys.isWellFormed("dxx_" + key.substring(4)));
        assertFalse(ApiKeys.isWellFormed(key + "0"));
        assertFalse(ApiKeys.isWellFormed(key.substring(0, key.length() - 1)));
        assertFalse(ApiKeys.isWellFormed(key.substring(0, 10) + "-" + key.substring(11)));
    }

    @Test
    void keysAreUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(seen.add(ApiKeys.generate(random)));
        }
    }

    @Test
    void hashIsLowercaseHexSha256OfTheWholeKey() {
        // SHA-256("abc"), the FIPS 180-2 test vector.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeys.hashHex("abc"));
        String key = ApiKeys.generate(random);
        assertEquals(64, ApiKeys.hashHex(key).length());
        assertNotEquals(ApiKeys.hashHex(key), ApiKeys.hashHex(ApiKeys.generate(random)));
    }

    @Test
    void displayIsTheLastFourCharacters() {
        String key = ApiKeys.generate(random);
        assertEquals(key.substring(key.length() - 4), ApiKeys.display(key));
    }

    @Test
    void hexRoundTrips() {
        byte[] bytes = {0, 1, (byte) 0xab, (byte) 0xff};
        assertEquals("0001abff", ApiKeys.toHex(bytes));
        assertEquals("0001abff", ApiKeys.toHex(ApiKeys.fromHex("0001ABFF")));
    }
}
