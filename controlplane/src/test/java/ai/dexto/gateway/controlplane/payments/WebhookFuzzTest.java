package ai.dexto.gateway.controlplane.payments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.dexto.gateway.common.money.Money;
import ai.dexto.gateway.controlplane.daos.PaymentsDao;
import ai.dexto.gateway.controlplane.errors.ApiException;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.checkout.Session;
import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Coverage-guided fuzzing of what the webhook does with a body and a {@code Stripe-Signature} before
 * any database work: signature verification, event parsing, the data object's typing and the credit
 * decision ({@link SessionMatch}) against one pending transaction of ours.
 *
 * <p>Invariants: nothing but a 400 {@link ApiException} leaves verification or parsing (no 500 for a
 * hostile body); a body we did not sign, or a signed body changed by one byte, never verifies; and a
 * verified event credits only the exact pending amount, for its session, user and currency.
 *
 * <p>Input: the first byte picks the mode, the rest is the body (see {@code WebhookFuzzTestInputs}):
 * 0 the body signed with our secret (decisions), 1 a forged header line then the body, 2 a genuine
 * signed event with the rest of the input spliced in at a position the input picks.
 */
class WebhookFuzzTest {
    static final String SECRET = "whsec_fuzz_0123456789";
    static final String SESSION = "cs_fuzz_pending";
    static final PaymentsDao.Transaction PENDING = new PaymentsDao.Transaction(UUID.fromString(
            "0b7a0f39-2f5e-4a8c-9a57-3f4c2d1e0a11"), "user-fuzz", Money.ofUsd(25), "usd", "pending", SESSION, null,
            null, null, 0, 0);
    static final String GENUINE = "{\"id\":\"evt_fuzz\",\"object\":\"event\",\"api_version\":\"2026-07-29.dahlia\","
            + "\"created\":1796000000,\"type\":\"checkout.session.completed\",\"data\":{\"object\":{\"id\":\""
            + SESSION + "\",\"object\":\"checkout.session\",\"amount_total\":2500,\"currency\":\"usd\","
            + "\"payment_status\":\"paid\",\"status\":\"complete\",\"metadata\":{\"user_id\":\"user-fuzz\","
            + "\"transaction_id\":\"0b7a0f39-2f5e-4a8c-9a57-3f4c2d1e0a11\"}}},\"livemode\":false}";

    @FuzzTest(maxDuration = "")
    void webhookBodiesNeverCreditWhatWeDidNotSell(byte[] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        String rest = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        long now = System.currentTimeMillis() / 1000;
        switch (Math.floorMod(input[0], 3)) {
            case 0 -> decide(verified(rest, sign(rest, now)));
            case 1 -> {
                int newline = rest.indexOf('\n');
                String header = newline < 0 ? rest : rest.substring(0, newline);
                String body = newline < 0 ? "" : rest.substring(newline + 1);
                refused(body, header);
            }
            default -> {
                byte[] genuine = GENUINE.getBytes(StandardCharsets.UTF_8);
                int at = rest.isEmpty() ? 0 : Math.floorMod(rest.charAt(0), genuine.length);
                byte[] splice = rest.getBytes(StandardCharsets.UTF_8);
                byte[] mutated = Arrays.copyOf(genuine, genuine.length);
                System.arraycopy(splice, 0, mutated, at, Math.min(splice.length, genuine.length - at));
                String body = new String(mutated, StandardCharsets.UTF_8);
                if (body.equals(GENUINE)) {
                    decide(verified(body, sign(GENUINE, now)));
                } else {
                    refused(body, sign(GENUINE, now));
                }
            }
        }
    }

    private static String sign(String payload, long t) throws Exception {
        return "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(SECRET, t + "." + payload);
    }

    /** Verification of a correctly signed body: an event, or a 400 saying the body is not one. */
    private static Event verified(String body, String header) {
        try {
            return WebhookProcessor.verify(body, header, SECRET, 300);
        } catch (ApiException e) {
            assertEquals(400, e.status());
            assertEquals("invalid_payload", e.code(), "a body we signed failed its signature");
            return null;
        }
    }

    private static void refused(String body, String header) {
        try {
            WebhookProcessor.verify(body, header, SECRET, 300);
            fail("a body with a signature we did not make verified: " + header);
        } catch (ApiException e) {
            assertEquals(400, e.status());
        }
    }

    private static void decide(Event event) {
        if (event == null) {
            return;
        }
        try {
            String type = event.getType();
            if (type.startsWith("checkout.session.")) {
                Session s = WebhookProcessor.object(event, Session.class);
                SessionMatch.Decision d = SessionMatch.decide(new SessionMatch.PaidSession(s.getId(),
                        s.getAmountTotal(), s.getCurrency(), WebhookProcessor.userOf(s)), PENDING);
                if (d instanceof SessionMatch.Credit credit) {
                    assertEquals(PENDING.amountNanos(), credit.amountNanos());
                    assertEquals(SESSION, s.getId());
                    assertEquals(2500L, s.getAmountTotal());
                    assertTrue("usd".equalsIgnoreCase(s.getCurrency()));
                    String user = WebhookProcessor.userOf(s);
                    assertTrue(user == null || user.equals(PENDING.userId()));
                }
            } else if (type.equals("charge.refunded")) {
                WebhookProcessor.object(event, Charge.class).getAmountRefunded();
            } else if (type.startsWith("charge.dispute.")) {
                WebhookProcessor.object(event, Dispute.class).getAmount();
            }
        } catch (ApiException e) {
            assertEquals(400, e.status());
            assertEquals("invalid_payload", e.code());
        }
    }
}
