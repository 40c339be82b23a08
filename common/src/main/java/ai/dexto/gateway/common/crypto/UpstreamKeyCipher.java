package ai.dexto.gateway.common.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals per-user upstream keys with AES-256-GCM under {@code ENCRYPTION_KEY} (32 bytes, base64).
 * Sealed form: base64 of {@code version(1) || nonce(12) || ciphertext+tag}. The user id is bound as
 * associated data, so a ciphertext copied onto another user's row does not decrypt.
 */
public final class UpstreamKeyCipher {
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    public UpstreamKeyCipher(byte[] key256, SecureRandom random) {
        if (key256.length != 32) {
            throw new IllegalArgumentException("ENCRYPTION_KEY must be 32 bytes (base64 of 32 bytes)");
        }
        this.key = new SecretKeySpec(key256.clone(), "AES");
        this.random = random;
    }

    public static UpstreamKeyCipher fromBase64(String encryptionKeyBase64) {
        return new UpstreamKeyCipher(Base64.getDecoder().decode(encryptionKeyBase64.trim()), new SecureRandom());
    }

    public String seal(String userId, String upstreamKey) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(upstreamKey.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
            out.put(VERSION).put(nonce).put(sealed);
            return Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** @throws IllegalArgumentException when the ciphertext was tampered with or sealed for another user */
    public String open(String userId, String sealedBase64) {
        byte[] all = Base64.getDecoder().decode(sealedBase64);
        if (all.length < 1 + NONCE_BYTES + TAG_BITS / 8 || all[0] != VERSION) {
            throw new IllegalArgumentException("not a sealed upstream key");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 1, NONCE_BYTES));
            cipher.updateAAD(userId.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(all, 1 + NONCE_BYTES, all.length - 1 - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new IllegalArgumentException("upstream key ciphertext does not authenticate");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }
}
