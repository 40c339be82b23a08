package ai.dexto.gateway.sim.stripe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookSignatureTest {
    private static final String PAYLOAD = "{\"id\":\"evt_1\",\"object\":\"event\"}";

    @Test
    void headerIsWhatStripeJavaVerifies() throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String header = WebhookSignature.header("whsec_test", now, PAYLOAD.getBytes(StandardCharsets.UTF_8));
        assertTrue(header.startsWith("t=" + now + ",v1="));
        assertTrue(Webhook.Signature.verifyHeader(PAYLOAD, header, "whsec_test", 300));
    }

    @Test
    void headerMatchesStripeJavaOwnSigner() throws Exception {
        String ours = WebhookSignature.header("whsec_x", 1_700_000_000L, PAYLOAD.getBytes(StandardCharsets.UTF_8));
        assertEquals(Webhook.Signature.generateSignatureHeader(PAYLOAD, "whsec_x", 1_700_000_000L), ours);
    }

    @Test
    void anotherSecretDoesNotVerify() {
        long now = System.currentTimeMillis() / 1000;
        String header = WebhookSignature.header("whsec_test", now, PAYLOAD.getBytes(StandardCharsets.UTF_8));
        assertThrows(SignatureVerificationException.class,
                () -> Webhook.Signature.verifyHeader(PAYLOAD, header, "whsec_other", 300));
    }

    @Test
    void apiVersionIsTheOneStripeJavaExpects() {
        assertEquals(com.stripe.Stripe.API_VERSION, StripeSim.API_VERSION);
    }
}
