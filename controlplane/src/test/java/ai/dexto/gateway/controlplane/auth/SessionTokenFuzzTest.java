package ai.dexto.gateway.controlplane.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.dexto.gateway.controlplane.errors.ApiException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Coverage-guided fuzzing of session-JWT parsing and verification (HS256 with the secret; no JWKS
 * configured, so any other algorithm must be refused).
 *
 * <p>Invariants: nothing but a 401 {@link ApiException} leaves {@link SessionTokens#verify}; a token we
 * did not sign never authenticates; a genuine token changed by the input authenticates only if it
 * still decodes to the very same token (base64url's unused trailing bits), as the same user.
 *
 * <p>Input: the first byte picks the mode, the rest is text (see {@code SessionTokenFuzzTestInputs}):
 * even, the text is the whole token; odd, it is spliced into a freshly issued genuine token at a
 * position its first character picks.
 */
class SessionTokenFuzzTest {
    static final String SECRET = "fuzz-jwt-secret-0123456789-0123456789-0123456789";
    static final SessionTokens TOKENS = new SessionTokens(SECRET, "authenticated", null);

    @FuzzTest(maxDuration = "")
    void forgedOrMutatedTokensNeverAuthenticate(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        if ((input[0] & 1) == 0) {
            try {
                SessionTokens.Session s = TOKENS.verify(text);
                fail("a token we did not sign authenticated " + s);
            } catch (ApiException e) {
                assertEquals(401, e.status());
            }
            return;
        }
        String genuine = TOKENS.issue("user-fuzz", "fuzz@example.test", Duration.ofMinutes(5));
        int at = text.isEmpty() ? 0 : Math.floorMod(text.charAt(0), genuine.length());
        String mutated = genuine.substring(0, at) + text + genuine.substring(Math.min(genuine.length(),
                at + text.length()));
        try {
            SessionTokens.Session s = TOKENS.verify(mutated);
            assertEquals("user-fuzz", s.userId(), "a mutated token authenticated someone else");
            assertEquals("fuzz@example.test", s.email());
        } catch (ApiException e) {
            assertEquals(401, e.status());
        }
    }
}
