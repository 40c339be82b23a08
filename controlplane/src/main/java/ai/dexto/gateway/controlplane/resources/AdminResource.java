package ai.dexto.gateway.controlplane.resources;

import ai.dexto.gateway.controlplane.auth.StaticTokenAuth;
import ai.dexto.gateway.controlplane.config.TierSettings;
import ai.dexto.gateway.controlplane.daos.AuditDao;
import ai.dexto.gateway.controlplane.daos.IdempotencyDao;
import ai.dexto.gateway.controlplane.daos.KeyDao;
import ai.dexto.gateway.controlplane.daos.LedgerDao;
import ai.dexto.gateway.controlplane.daos.ReconcileDao;
import ai.dexto.gateway.controlplane.daos.UpstreamKeyDao;
import ai.dexto.gateway.controlplane.daos.UsageDao;
import ai.dexto.gateway.controlplane.daos.UserDao;
import ai.dexto.gateway.controlplane.db.Transactions;
import ai.dexto.gateway.controlplane.errors.ApiException;
import ai.dexto.gateway.controlplane.provisioning.Provisioner;
import ai.dexto.gateway.controlplane.provisioning.UpstreamLimits;
import ai.dexto.gateway.controlplane.reconcile.Reconciler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The operators' API under {@code /admin}, bearer {@code DEXTO_ADMIN_TOKEN}. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
public final class AdminResource {
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StaticTokenAuth admin;
    private final Transactions tx;
    private final UserDao users;
    private final KeyDao keys;
    private final LedgerDao ledger;
    private final UsageDao usage;
    private final UpstreamKeyDao upstreamKeys;
    private final AuditDao audit;
    private final TierSettings tiers;
    private final Provisioner provisioner;
    private final UpstreamLimits limits;
    private final IdempotencyDao idempotency;
    private final Reconciler reconciler;

    public AdminResource(StaticTokenAuth admin, Transactions tx, UserDao users, KeyDao keys, LedgerDao ledger,
                         UsageDao usage, UpstreamKeyDao upstreamKeys, AuditDao audit, TierSettings tiers,
                         Provisioner provisioner, UpstreamLimits limits, IdempotencyDao idempotency,
                         Reconciler reconciler) {
        this.idempotency = idempotency;
        this.admin = admin;
        this.tx = tx;
        this.users = users;
        this.keys = keys;
        this.ledger = ledger;
        this.usage = usage;
        this.upstreamKeys = upstreamKeys;
        this.audit = audit;
        this.tiers = tiers;
        this.provisioner = provisioner;
        this.limits = limits;
        this.reconciler = reconciler;
    }

    @GET
    @Path("/users")
    public Map<String, Object> users(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                     @QueryParam("query") String query) {
        admin.require(authorization);
        List<Map<String, Object>> out = users.search(query, 100).stream().map(AdminResource::user).toList();
        return Map.of("users", out);
    }

    @GET
    @Path("/users/{id}")
    public Map<String, Object> user(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                    @PathParam("id") String userId) {
        admin.require(authorization);
        UserDao.UserRow u = requireUser(userId);
        Map<String, Object> m = user(u);
        m.put("lifetime_credits", Views.usd(u.lifetimeCreditNanos()));
        m.put("has_upstream_key", upstreamKeys.find(userId) != null);
        m.put("keys", keys.listForUser(userId).stream().map(Views::key).toList());
        UsageDao.Totals t = usage.lifetime(userId);
        m.put("usage", Map.of("total_requests", t.requests(), "total_tokens", t.tokens(),
                "total_cost", Views.usd(t.costNanos())));
        m.put("credits", ledger.creditsOf(userId, 50).stream().map(c -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", c.id());
            row.put("amount", Views.usd(c.amountNanos()));
            row.put("kind", c.kind());
            row.put("reason", c.reason());
            row.put("actor", c.actor());
            row.put("created_at", Views.time(c.createdAt()));
            return row;
        }).toList());
        return m;
    }

    /**
     * {@code {"amount_usd":"25.00","reason":"…"}}; a negative amount debits. With an {@code Idempotency-Key}
     * header the same key and request answer the first answer again without a second credit; the same
     * key with another request is 409.
     */
    @POST
    @Path("/users/{id}/credits")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> credit(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                      @HeaderParam("Idempotency-Key") String idempotencyKey,
                                      @PathParam("id") String userId, JsonNode body) {
        admin.require(authorization);
        if (idempotencyKey != null && !IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
            throw ApiException.badRequest("invalid_idempotency_key",
                    "Idempotency-Key must be 1 to 255 printable ASCII characters");
        }
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("invalid_body", "Body must be {\"amount_usd\":\"…\",\"reason\":\"…\"}");
        }
        long amount = Params.usd(body.get("amount_usd"), "amount_usd");
        if (amount == 0) {
            throw ApiException.badRequest("invalid_amount", "amount_usd must not be zero");
        }
        JsonNode reasonNode = body.get("reason");
        String reason = reasonNode == null || !reasonNode.isTextual() ? "" : reasonNode.asText().trim();
        if (reason.isEmpty()) {
            throw ApiException.badRequest("missing_reason", "reason is required");
        }
        String requestHash = sha256Hex(userId + "\n" + amount + "\n" + reason);
        Replayable answer = tx.inTransaction(t -> {
            if (idempotencyKey != null) {
                IdempotencyDao.Stored earlier = idempotency.claim(t, idempotencyKey, requestHash);
                if (earlier != null) {
                    if (!earlier.requestHash().equals(requestHash) || earlier.response() == null) {
                        throw ApiException.conflict("idempotency_key_reused",
                                "This Idempotency-Key was used for a different request");
                    }
                    return new Replayable(readJson(earlier.response()), true);
                }
            }
            if (!users.exists(t, userId)) {
                throw ApiException.notFound("No such user");
            }
            LedgerDao.Credit credit = ledger.credit(t, userId, amount, LedgerDao.Kind.ADMIN, reason, "admin", null);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("success", true);
            m.put("credit_id", credit.id());
            m.put("user_id", userId);
            m.put("amount", Views.usd(amount));
            m.put("balance", Views.usd(credit.balanceNanos()));
            if (idempotencyKey != null) {
                idempotency.answer(t, idempotencyKey, writeJson(m));
            }
            return new Replayable(m, false);
        });
        if (amount > 0 && !answer.replayed()) {
            limits.raiseIfNeeded(userId);
        }
        return answer.body();
    }

    private record Replayable(Map<String, Object> body, boolean replayed) {
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String writeJson(Map<String, Object> body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> readJson(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored idempotent answer is not JSON", e);
        }
    }

    @PUT
    @Path("/users/{id}/tier")
    @Consumes(MediaType.APPLICATION_JSON)
    public Map<String, Object> tier(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                    @PathParam("id") String userId, JsonNode body) {
        admin.require(authorization);
        JsonNode t = body == null ? null : body.get("tier");
        if (t == null || !t.isTextual() || !tiers.exists(t.asText())) {
            throw ApiException.badRequest("invalid_tier", "tier must be one of " + tiers.definitions.keySet());
        }
        String tier = t.asText();
        boolean found = tx.inTransaction(x -> users.setTier(x, userId, tier));
        if (!found) {
            throw ApiException.notFound("No such user");
        }
        return Map.of("success", true, "user_id", userId, "tier", tier);
    }

    @POST
    @Path("/keys/{id}/revoke")
    public Map<String, Object> revokeKey(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                         @PathParam("id") String id) {
        admin.require(authorization);
        long keyId = Params.id(id);
        String owner = tx.inTransaction(t -> keys.revokeAny(t, keyId));
        if (owner == null) {
            throw ApiException.notFound("No such key");
        }
        return Map.of("success", true, "id", keyId, "user_id", owner, "status", "revoked");
    }

    @POST
    @Path("/users/{id}/upstream-key/rotate")
    public Map<String, Object> rotateUpstream(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                              @PathParam("id") String userId) {
        admin.require(authorization);
        requireUser(userId);
        provisioner.rotateUpstreamKey(userId);
        return Map.of("success", true, "user_id", userId);
    }

    @GET
    @Path("/audit")
    public Map<String, Object> audit(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        admin.require(authorization);
        AuditDao.Result r = audit.audit();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", r.mismatches().isEmpty());
        m.put("users_checked", r.usersChecked());
        m.put("mismatches", r.mismatches().stream().map(x -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user_id", x.userId());
            row.put("balance", Views.usd(x.balanceNanos()));
            row.put("expected", Views.usd(x.expectedNanos()));
            row.put("credits", Views.usd(x.creditsNanos()));
            row.put("usage", Views.usd(x.usageNanos()));
            return row;
        }).toList());
        m.put("reconciliation", reconciliation());
        return m;
    }

    /**
     * The reconciler's view, beside (not inside) {@code ok}: {@code ok} stays the ledger invariant,
     * which must always hold; drift against the upstream is reported here, with its own {@code ok}.
     */
    private Map<String, Object> reconciliation() {
        ReconcileDao.Summary s = reconciler.refresh();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ok", s.usersDrifting() == 0);
        r.put("users_checked", s.usersChecked());
        r.put("users_drifting", s.usersDrifting());
        r.put("total_drift", Views.usd(s.totalDriftNanos()));
        r.put("users_unverifiable", s.unverifiable());
        r.put("pending_usage", s.pendingRows());
        r.put("oldest_pending_at", s.oldestPending() == null ? null : Views.time(s.oldestPending()));
        r.put("negative_balances", s.negativeBalances());
        r.put("drifting", reconciler.drifting(100).stream().map(d -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("user_id", d.userId());
            row.put("ledger", Views.usd(d.ledgerNanos()));
            row.put("upstream", d.upstreamNanos() == null ? null : Views.usd(d.upstreamNanos()));
            row.put("drift", Views.usd(d.driftNanos()));
            row.put("checked_at", Views.time(d.checkedAt()));
            return row;
        }).toList());
        return r;
    }

    private UserDao.UserRow requireUser(String userId) {
        UserDao.UserRow u = users.find(userId);
        if (u == null) {
            throw ApiException.notFound("No such user");
        }
        return u;
    }

    private static Map<String, Object> user(UserDao.UserRow u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", u.id());
        m.put("email", u.email());
        m.put("tier", u.tier());
        m.put("balance", Views.usd(u.balanceNanos()));
        m.put("created_at", Views.time(u.createdAt()));
        return m;
    }
}
