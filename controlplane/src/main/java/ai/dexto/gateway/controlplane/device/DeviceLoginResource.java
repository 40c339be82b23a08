package ai.dexto.gateway.controlplane.device;

import ai.dexto.gateway.controlplane.auth.Bearer;
import ai.dexto.gateway.controlplane.auth.SessionTokens;
import ai.dexto.gateway.controlplane.auth.UserAuthenticator;
import ai.dexto.gateway.controlplane.config.DeviceLoginSettings;
import ai.dexto.gateway.controlplane.errors.ApiException;
import ai.dexto.gateway.controlplane.http.ClientAddress;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;

/**
 * {@code /api/auth/device/*}: start and poll (the device, unauthenticated: the device code is the
 * secret), info, approve and deny (the user, with a Supabase session JWT only; an API key cannot
 * approve a login). Polls answer RFC 8628's {@code {"error","error_description"}}; the other
 * endpoints use the service's one error shape.
 */
@Path("/api/auth/device")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class DeviceLoginResource {
    private final DeviceLogin login;
    private final UserAuthenticator auth;
    private final WindowLimiter starts;
    private final WindowLimiter decisions;
    private final ClientAddress clients;

    public DeviceLoginResource(DeviceLogin login, UserAuthenticator auth, DeviceLoginSettings settings,
                               ClientAddress clients, Clock clock) {
        this.login = login;
        this.auth = auth;
        this.clients = clients;
        this.starts = new WindowLimiter(settings.startsPerMinute, clock);
        this.decisions = new WindowLimiter(settings.decisionsPerMinute, clock);
    }

    @POST
    @Path("/start")
    public DeviceApi.Started start(DeviceApi.StartRequest body, @Context HttpServletRequest request) {
        String client = clients.of(request);
        if (!starts.tryAcquire(client)) {
            throw rateLimited(starts, client);
        }
        return login.start(body == null ? null : body.client());
    }

    @POST
    @Path("/poll")
    public Response poll(DeviceApi.PollRequest body) {
        try {
            return Response.ok(login.poll(body == null ? null : body.deviceCode())).build();
        } catch (DeviceApi.PollError e) {
            return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE)
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .entity(new DeviceApi.PollErrorBody(e.error(), e.getMessage())).build();
        }
    }

    @GET
    @Path("/info")
    public DeviceApi.Info info(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                               @QueryParam("code") String code) {
        limitDecisions(auth.session(authorization));
        return login.info(code);
    }

    @POST
    @Path("/approve")
    public DeviceApi.Decided approve(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                     DeviceApi.CodeRequest body) {
        SessionTokens.Session session = auth.session(authorization);
        limitDecisions(session);
        return login.approve(body == null ? null : body.userCode(), session, Bearer.token(authorization));
    }

    @POST
    @Path("/deny")
    public DeviceApi.Decided deny(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                                  DeviceApi.CodeRequest body) {
        SessionTokens.Session session = auth.session(authorization);
        limitDecisions(session);
        return login.deny(body == null ? null : body.userCode(), session);
    }

    private void limitDecisions(SessionTokens.Session session) {
        if (!decisions.tryAcquire(session.userId())) {
            throw rateLimited(decisions, session.userId());
        }
    }

    private static ApiException rateLimited(WindowLimiter limiter, String key) {
        return new ApiException(429, "rate_limit_error", "rate_limited",
                "Too many device login requests: try again in " + limiter.secondsUntilReset(key) + " s");
    }
}
