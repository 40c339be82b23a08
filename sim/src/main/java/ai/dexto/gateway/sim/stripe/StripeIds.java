package ai.dexto.gateway.sim.stripe;

import java.util.concurrent.ThreadLocalRandom;

/** Stripe-looking object ids: a type prefix and random alphanumerics ({@code cs_test_…}, {@code evt_…}). */
final class StripeIds {
    private static final char[] ALPHANUMERIC =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private StripeIds() {
    }

    static String next(String prefix, int length) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(prefix.length() + length).append(prefix);
        for (int i = 0; i < length; i++) {
            id.append(ALPHANUMERIC[random.nextInt(ALPHANUMERIC.length)]);
        }
        return id.toString();
    }
}
