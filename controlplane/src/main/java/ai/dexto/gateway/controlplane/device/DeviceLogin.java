package ai.dexto.gateway.controlplane.device;

import ai.dexto.gateway.common.apikey.ApiKeys;
import ai.dexto.gateway.common.crypto.UpstreamKeyCipher;
import ai.dexto.gateway.controlplane.auth.SessionTokens;
import ai.dexto.gateway.controlplane.config.DeviceLoginSettings;
import ai.dexto.gateway.controlplane.daos.DeviceDao;
import ai.dexto.gateway.controlplane.errors.ApiException;
import ai.dexto.gateway.controlplane.provisioning.Provisioner;
import ai.dexto.gateway.controlplane.provisioning.UpstreamLimits;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The device authorization grant (RFC 8628) that signs the CLI in. A device starts a login and gets a
 * device code (kept secret, stored as its SHA-256) and a short user code; the user, signed in on the
 * dashboard, approves or denies the user code; the device's next poll after an approval receives, once,
 * a new {@code DEXTO_API_KEY} through the same path as {@code POST /api/provision} (a first-time user is
 * created with the intro credit) and the approving session, so the CLI can manage keys as that user
 * until the session expires. Everything else a poll can hear is one of the RFC's errors.
 */
public final class DeviceLogin {
    /** RFC 8628 §3.5: the device adds this to its interval on {@code slow_down}; so do we. */
    static final int SLOW_DOWN_STEP_SECONDS = 5;
    private static final HexFormat HEX = HexFormat.of();

    private final DeviceDao dao;
    private final Provisioner provisioner;
    private final UpstreamLimits limits;
    private final UpstreamKeyCipher cipher;
    private final DeviceLoginSettings settings;
    private final Clock clock;
    private final SecureRandom random;
    private final UserCodes userCodes;

    public DeviceLogin(DeviceDao dao, Provisioner provisioner, UpstreamLimits limits, UpstreamKeyCipher cipher,
                       DeviceLoginSettings settings, Clock clock, SecureRandom random) {
        this.dao = dao;
        this.provisioner = provisioner;
        this.limits = limits;
        this.cipher = cipher;
        this.settings = settings;
        this.clock = clock;
        this.random = random;
        this.userCodes = new UserCodes(random);
    }

    public DeviceApi.Started start(String client) {
        if (client == null || !settings.clients.containsKey(client)) {
            throw ApiException.badRequest("invalid_client", "Unknown client: device login is open to "
                    + String.join(", ", settings.clients.keySet()));
        }
        Instant now = clock.instant();
        dao.prune(now);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String deviceCode = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant expires = now.plusSeconds(settings.expiresSeconds);
        for (int attempt = 0; attempt < 5; attempt++) {
            String userCode = userCodes.next();
            if (dao.insert(sha256(deviceCode), userCode, client, settings.intervalSeconds, expires)) {
                String shown = UserCodes.display(userCode);
                return new DeviceApi.Started(deviceCode, shown, settings.verificationUrl,
                        settings.verificationUrl + "?code=" + shown, settings.expiresSeconds, settings.intervalSeconds);
            }
        }
        throw new IllegalStateException("five user codes in a row collided with pending ones");
    }

    /** One poll. Returns the grant, or throws {@link DeviceApi.PollError} with the RFC's error code. */
    public DeviceApi.Granted poll(String deviceCode) {
        if (deviceCode == null || deviceCode.isBlank()) {
            throw new DeviceApi.PollError("invalid_request", "deviceCode is required");
        }
        DeviceDao.Row row = dao.findByDeviceCodeHash(sha256(deviceCode));
        if (row == null) {
            throw new DeviceApi.PollError("invalid_grant", "Unknown device code");
        }
        Instant now = clock.instant();
        switch (row.status()) {
            case "delivered" -> throw new DeviceApi.PollError("invalid_grant", "This device code was already used");
            case "denied" -> throw new DeviceApi.PollError("access_denied", "The login was denied");
            default -> {
                // pending or approved, below
            }
        }
        if (!now.isBefore(row.expiresAt())) {
            throw new DeviceApi.PollError("expired_token", "The device code expired; start the login again");
        }
        if (row.status().equals("pending")) {
            boolean tooSoon = row.lastPolledAt() != null
                    && Duration.between(row.lastPolledAt(), now).toMillis() < row.intervalSeconds() * 1000L;
            int interval = tooSoon ? row.intervalSeconds() + SLOW_DOWN_STEP_SECONDS : row.intervalSeconds();
            dao.polled(row.id(), now, interval);
            if (tooSoon) {
                throw new DeviceApi.PollError("slow_down", "Polling too fast: wait " + interval + " s between polls");
            }
            throw new DeviceApi.PollError("authorization_pending", "Waiting for the user to approve the code");
        }
        return deliver(row, now);
    }

    private DeviceApi.Granted deliver(DeviceDao.Row row, Instant now) {
        DeviceDao.Claimed claimed = dao.claimDelivery(row.id(), now);
        if (claimed == null) {
            // a parallel poll took it, or it expired in between
            throw new DeviceApi.PollError("invalid_grant", "This device code was already used");
        }
        Provisioner.Provisioned provisioned;
        try {
            provisioned = provisioner.provision(claimed.userId(), claimed.email());
        } catch (RuntimeException e) {
            dao.unclaim(claimed); // nothing was issued: the device's next poll tries again
            throw e;
        }
        dao.delivered(claimed.id(), provisioned.keyId());
        if (!provisioned.newUser()) {
            limits.raiseIfNeeded(provisioned.userId());
        }
        String session = claimed.sealedSession() == null ? null : cipher.open(claimed.userId(), claimed.sealedSession());
        return new DeviceApi.Granted(provisioned.apiKey(), provisioned.keyId(), ApiKeys.display(provisioned.apiKey()),
                claimed.userId(), claimed.email(), session,
                claimed.sessionExpiresAt() == null ? null : claimed.sessionExpiresAt().getEpochSecond());
    }

    /** What the approval page shows about a pending code, for the signed-in user about to decide. */
    public DeviceApi.Info info(String typedCode) {
        DeviceDao.Row row = pending(typedCode);
        return new DeviceApi.Info(UserCodes.display(row.userCode()), row.client(),
                settings.clients.getOrDefault(row.client(), row.client()), row.createdAt().toString(),
                row.expiresAt().toString());
    }

    public DeviceApi.Decided approve(String typedCode, SessionTokens.Session session, String sessionToken) {
        String code = normalised(typedCode);
        String sealed = cipher.seal(session.userId(), sessionToken);
        String client = dao.decide(code, true, session.userId(), session.email(), sealed, session.expiresAt(),
                clock.instant());
        return decided(code, client, "approved");
    }

    public DeviceApi.Decided deny(String typedCode, SessionTokens.Session session) {
        String code = normalised(typedCode);
        String client = dao.decide(code, false, session.userId(), session.email(), null, null, clock.instant());
        return decided(code, client, "denied");
    }

    private DeviceApi.Decided decided(String code, String client, String status) {
        if (client == null) {
            throw ApiException.notFound("No pending login has this code (it may have expired or been used)");
        }
        return new DeviceApi.Decided(UserCodes.display(code), client, settings.clients.getOrDefault(client, client),
                status);
    }

    private DeviceDao.Row pending(String typedCode) {
        DeviceDao.Row row = dao.findPending(normalised(typedCode), clock.instant());
        if (row == null) {
            throw ApiException.notFound("No pending login has this code (it may have expired or been used)");
        }
        return row;
    }

    private static String normalised(String typedCode) {
        String code = UserCodes.normalise(typedCode);
        if (code == null) {
            throw ApiException.badRequest("invalid_user_code", "A code looks like XXXX-XXXX");
        }
        return code;
    }

    static String sha256(String text) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
