package ai.dexto.gateway.dataplane.relay;

import ai.dexto.gateway.dataplane.account.UserAccount;
import ai.dexto.gateway.dataplane.models.ModelInfo;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * A chat request ready for the upstream: authenticated, priced and reserved.
 *
 * @param body           the upstream body (owned by the exchange from now on)
 * @param spendableAfter the user's spendable balance once the reservation was taken
 * @param readyNanos     when the gateway had the whole request (the start of its own time on it)
 * @param forwardHeaders extra headers for the upstream (the simulator's, when enabled), or null
 * @param bill           told the billed amount once the request is settled
 */
public record ChatCall(UserAccount account, long keyId, ModelInfo model, ByteBuf body, boolean stream,
                       long reservedNanos, long spendableAfter, long idHigh, long idLow, String requestId, String traceId,
                       CharSequence sessionId, long receivedNanos, long readyNanos, HttpHeaders forwardHeaders,
                       BillSink bill) {
}
