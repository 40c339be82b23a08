package ai.dexto.gateway.controlplane.provisioning;

import ai.dexto.gateway.controlplane.daos.UpstreamKeyDao;
import ai.dexto.gateway.controlplane.errors.ApiException;
import com.codahale.metrics.Counter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The gateway's answer to an upstream 401 on a user's key (docs/contracts.md, "Upstream key heal"):
 * when the key it used is still the stored one, mint a replacement (at most once per user per
 * minute, so a hostile or broken upstream cannot make us mint in a loop); when it was already
 * replaced, hand out the current one. Serialised per user by {@link UserLocks}, so concurrent heals
 * of one user mint once.
 */
public final class UpstreamKeyHealer {
    static final Duration MIN_INTERVAL = Duration.ofSeconds(60);

    private final UserLocks locks;
    private final UpstreamKeyDao upstreamKeys;
    private final UpstreamKeyRotation rotation;
    private final Counter heals;
    private final Clock clock;

    public UpstreamKeyHealer(UserLocks locks, UpstreamKeyDao upstreamKeys, UpstreamKeyRotation rotation, Counter heals,
                             Clock clock) {
        this.locks = locks;
        this.upstreamKeys = upstreamKeys;
        this.rotation = rotation;
        this.heals = heals;
        this.clock = clock;
    }

    /** @return the user's current upstream key, sealed */
    public String heal(String userId, String rejectedCiphertext) {
        return locks.withUser(userId, c -> {
            UpstreamKeyDao.UpstreamKey current = upstreamKeys.find(c, userId);
            if (current == null) {
                throw ApiException.notFound("User has no upstream key");
            }
            if (!sameBytes(current.ciphertext(), rejectedCiphertext)) {
                return current.ciphertext(); // healed already (by another node's call, or a rotation)
            }
            Instant healedAt = current.healedAt();
            if (healedAt != null && healedAt.plus(MIN_INTERVAL).isAfter(clock.instant())) {
                long wait = Math.max(1, Duration.between(clock.instant(), healedAt.plus(MIN_INTERVAL)).toSeconds());
                throw ApiException.tooManyRequests("upstream_key_heal_rate_limited",
                        "This user's upstream key was re-minted less than a minute ago; retry in " + wait + " s");
            }
            String sealed = rotation.replace(c, userId, current, "heal");
            heals.inc();
            return sealed;
        });
    }

    private static boolean sameBytes(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
