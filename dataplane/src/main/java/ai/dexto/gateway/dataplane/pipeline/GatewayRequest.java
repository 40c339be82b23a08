package ai.dexto.gateway.dataplane.pipeline;

import ai.dexto.gateway.common.usage.RequestIds;
import ai.dexto.gateway.dataplane.account.UserAccount;
import ai.dexto.gateway.dataplane.auth.AuthResult;
import ai.dexto.gateway.dataplane.chat.ChatBody;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import ai.dexto.gateway.dataplane.ratelimit.RateLimitDecision;
import ai.dexto.gateway.dataplane.relay.BillSink;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;

/**
 * One request as it travels down the client pipeline: the router makes it from the request head, and
 * each step fills in its own part and passes it on — who is calling ({@link Authenticate}), the rate
 * decision ({@link RateLimit}), the body ({@link ReadBody}), the decoded chat call ({@link DecodeChat}),
 * the reservation ({@link ReserveCredit}) — until a terminal step answers. A step that refuses the
 * request answers it itself and marks it {@link #refused}; the router then drops the rest of its body.
 * Only the connection's event loop touches it.
 */
final class GatewayRequest implements BillSink {
    final Route route;
    final HttpRequest head;
    final long receivedNanos;
    final InetAddress client;
    final long idHigh;
    final long idLow;
    private String id;
    private String traceId;

    // what the steps learn
    AuthResult auth;
    UserAccount account;
    long keyId;
    RateLimitDecision rate;
    ByteBuf body;
    long bodyBudget;
    BodyBudget budget;
    ChatBody chat;
    ModelInfo model;
    /** The model asked for, then its fallbacks: the reservation covers the dearest. */
    java.util.List<ModelInfo> models;
    long reservedNanos;
    long spendableAfter;
    ByteBuf upstreamBody;

    // how it ends
    boolean bodyDone;
    boolean refused;
    boolean answered;
    long discarded;
    /** Answered before its body was read: the rest is read and dropped for a moment, then the connection closes. */
    boolean drainThenClose;
    /** A {@code 100 Continue} asked the client for its body. */
    boolean continued;
    int status;
    /** What a chat request was billed once settled; -1 before (or for other routes). */
    long billedNanos = -1;

    GatewayRequest(Route route, HttpRequest head, long receivedNanos, InetAddress client) {
        this.route = route;
        this.head = head;
        this.receivedNanos = receivedNanos;
        this.client = client;
        this.idHigh = RequestIds.newHigh(System.currentTimeMillis());
        this.idLow = RequestIds.newLow();
    }

    String id() {
        String s = id;
        if (s == null) {
            s = RequestIds.format(idHigh, idLow);
            id = s;
        }
        return s;
    }

    /** The W3C trace this request belongs to: the caller's {@code traceparent}, else a new trace. */
    String traceId() {
        String t = traceId;
        if (t == null) {
            t = ai.dexto.gateway.dataplane.http.TraceContext.traceId(head.headers().get("traceparent"));
            traceId = t;
        }
        return t;
    }

    /** The request's path without its query. */
    String path() {
        String uri = head.uri();
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** Gives back what this request still holds (its body buffers); safe to call more than once. */
    void release() {
        if (budget != null) {
            budget.give(bodyBudget);
            budget = null;
        }
        if (body != null) {
            if (body.refCnt() > 0) {
                body.release();
            }
            body = null;
        }
        if (upstreamBody != null) {
            if (upstreamBody.refCnt() > 0) {
                upstreamBody.release();
            }
            upstreamBody = null;
        }
    }

    @Override
    public void billed(long nanos) {
        billedNanos = nanos;
    }
}
