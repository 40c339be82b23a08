package ai.dexto.gateway.common.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamKeyCipherTest {
    private final byte[] key = new byte[32];
    private final UpstreamKeyCipher cipher;

    UpstreamKeyCipherTest() {
        new SecureRandom().nextBytes(key);
        cipher = UpstreamKeyCipher.fromBase64(Base64.getEncoder().encodeToString(key));
    }

    @Test
    void sealedKeyOpensForItsUserAndHidesThePlaintext() {
        String sealed = cipher.seal("user-1", "sk-or-v1-secret");
        assertFalse(sealed.contains("sk-or"));
        assertEquals("sk-or-v1-secret", cipher.open("user-1", sealed));
        assertNotEquals(sealed, cipher.seal("user-1", "sk-or-v1-secret"), "fresh nonce each time");
    }

    @Test
    void ciphertextCopiedToAnotherUserDoesNotOpen() {
        String sealed = cipher.seal("user-1", "sk-or-v1-secret");
        assertThrows(IllegalArgumentException.class, () -> cipher.open("user-2", sealed));
    }

    @Test
    void tamperedCiphertextAndWrongKeyAreRejected() {
        String sealed = cipher.seal("u", "k");
        byte[] bytes = Base64.getDecoder().decode(sealed);
        bytes[bytes.length - 1] ^= 1;
        String tampered = Base64.getEncoder().encodeToString(bytes);
        assertThrows(IllegalArgumentException.class, () -> cipher.open("u", tampered));
        byte[] other = key.clone();
        other[0] ^= 1;
        UpstreamKeyCipher wrong = new UpstreamKeyCipher(other, new SecureRandom());
        assertThrows(IllegalArgumentException.class, () -> wrong.open("u", sealed));
        assertThrows(IllegalArgumentException.class, () -> new UpstreamKeyCipher(new byte[16], new SecureRandom()));
    }
}
