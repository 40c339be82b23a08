package ai.dexto.gateway.controlplane.limits;

import ai.dexto.gateway.controlplane.config.LimitSettings;
import ai.dexto.gateway.controlplane.errors.ApiException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-user token buckets for the control plane's costly actions: one caller looping on provisioning,
 * key rotation or CSV export gets 429 with {@code Retry-After}, not the database (device login has
 * its own per-user limits in {@code device/}).
 * Buckets live in memory per control-plane instance; a bucket that has refilled completely is the same
 * as none, so the map is swept of those when it grows, which bounds it by the users active in the last
 * refill period.
 */
public final class UserRateLimits {
    public enum Action { PROVISION, ROTATE_KEY, CSV_EXPORT }

    private static final int SWEEP_ABOVE = 10_000;

    private record Key(Action action, String userId) {
    }

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }

    private final Map<Action, LimitSettings.Rate> rates = new EnumMap<>(Action.class);
    private final ConcurrentHashMap<Key, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    public UserRateLimits(LimitSettings settings, LongSupplier nanoTime) {
        rates.put(Action.PROVISION, settings.provision);
        rates.put(Action.ROTATE_KEY, settings.rotateKey);
        rates.put(Action.CSV_EXPORT, settings.csvExport);
        this.nanoTime = nanoTime;
    }

    /** Takes one token of {@code action} for the user, or throws 429 saying when the next one comes. */
    public void take(Action action, String userId) {
        LimitSettings.Rate rate = rates.get(action);
        double perNano = rate.perMinute / 60e9;
        long now = nanoTime.getAsLong();
        double[] waitNanos = {0};
        buckets.compute(new Key(action, userId), (k, b) -> {
            Bucket bucket = b == null ? new Bucket(rate.burst, now) : b;
            bucket.tokens = Math.min(rate.burst, bucket.tokens + (now - bucket.updatedNanos) * perNano);
            bucket.updatedNanos = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
            } else {
                waitNanos[0] = (1 - bucket.tokens) / perNano;
            }
            return bucket;
        });
        if (buckets.size() > SWEEP_ABOVE) {
            sweep(now);
        }
        if (waitNanos[0] > 0) {
            throw ApiException.tooManyRequests("rate_limit_exceeded", "Too many " + describe(action)
                    + "; try again later", (long) Math.ceil(waitNanos[0] / 1e9));
        }
    }

    private void sweep(long now) {
        buckets.entrySet().removeIf(e -> {
            LimitSettings.Rate rate = rates.get(e.getKey().action());
            return e.getValue().tokens + (now - e.getValue().updatedNanos) * (rate.perMinute / 60e9) >= rate.burst;
        });
    }

    private static String describe(Action action) {
        return switch (action) {
            case PROVISION -> "provisioning requests";
            case ROTATE_KEY -> "key rotations";
            case CSV_EXPORT -> "CSV exports";
        };
    }
}
