package ai.dexto.gateway.dataplane.relay;

/**
 * How long a chat exchange waits, in nanos.
 *
 * @param firstByte  for the upstream's response head (and a stream's first event)
 * @param chunk      for the next upstream bytes once an answer has started
 * @param writeStall for a client that stopped reading a stream (its socket stays unwritable)
 * @param orphan     for the upstream after the client left or was answered early, only to learn the cost
 * @param inFlightRecord how long a stream runs before its in-flight record is journaled (shorter streams
 *                   end first and need none; 0 journals it as soon as the generation id is known)
 */
public record RelayTimeouts(long firstByte, long chunk, long writeStall, long orphan, long inFlightRecord) {
}
