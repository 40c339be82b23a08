package ai.dexto.gateway.common.usage;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesIn;
import net.openhft.chronicle.bytes.BytesOut;

/**
 * Binary layout of a {@link UsageEvent} in the Chronicle journal. Writes and reads without allocating
 * (strings go through reused builders).
 *
 * <p>Layout: {@code byte schemaVersion, int bodyLength, body}. The body's fields are only ever
 * appended to, never reordered or removed: a reader takes the fields its version knows, defaults the
 * ones an older writer did not write (their body ends early) and skips the ones a newer writer added
 * (by {@code bodyLength}). Version 1 ended after {@code completedAtMicros}; version 2 added cached and
 * reasoning tokens; version 3 added {@code costPending}, {@code reservedNanos} and the exact status.
 *
 * <p>A status that older readers do not know (e.g. {@code SHUTDOWN}) would make them fail, so the
 * version-1 status slot holds {@link UsageStatus#legacy()} and the exact status follows in the v3
 * fields. A version-2 reader of a v3 event therefore bills its costs as final: for a pending event
 * that is the reservation, never less than the upstream's charge.
 */
public final class UsageEventCodec {
    public static final int SCHEMA_VERSION = 3;

    private UsageEventCodec() {
    }

    public static void write(UsageEvent e, Bytes<?> out) {
        out.writeByte((byte) SCHEMA_VERSION);
        long lengthAt = out.writePosition();
        out.writeInt(0);
        long bodyStart = out.writePosition();
        writeVersion1Fields(e, out);
        out.writeLong(e.cachedTokens);
        out.writeLong(e.reasoningTokens);
        out.writeBoolean(e.costPending);
        out.writeLong(e.reservedNanos);
        out.writeByte((byte) e.status.code);
        out.writeInt(lengthAt, (int) (out.writePosition() - bodyStart));
    }

    /** The fields every version has, in order. Also used by tests to write what an older writer wrote. */
    static void writeVersion1Fields(UsageEvent e, BytesOut<?> out) {
        out.writeLong(e.requestIdHigh);
        out.writeLong(e.requestIdLow);
        out.writeUtf8(e.nodeId);
        out.writeLong(e.nodeSequence);
        out.writeUtf8(e.userId);
        out.writeLong(e.keyId);
        out.writeUtf8(e.model);
        out.writeUtf8(e.generationId);
        out.writeLong(e.promptTokens);
        out.writeLong(e.completionTokens);
        out.writeLong(e.billedCostNanos);
        out.writeLong(e.upstreamCostNanos);
        out.writeByte((byte) e.status.legacy().code);
        out.writeBoolean(e.streamed);
        out.writeShort((short) e.httpStatus);
        out.writeUtf8(e.sessionId);
        out.writeLong(e.receivedAtMicros);
        out.writeLong(e.firstByteAtMicros);
        out.writeLong(e.completedAtMicros);
    }

    /**
     * Reads into {@code into}. Strings for node, user and model are interned through {@code strings}
     * so the drainer does not allocate one per event for values that repeat.
     */
    public static void read(BytesIn<?> in, UsageEvent into, StringCache strings) {
        int version = in.readUnsignedByte();
        if (version < 1) {
            throw new IllegalStateException("not a usage event (schema version " + version + ")");
        }
        int bodyLength = in.readInt();
        if (bodyLength < 0 || bodyLength > in.readRemaining()) {
            throw new IllegalStateException("usage event body length " + bodyLength + " does not fit its document");
        }
        long end = in.readPosition() + bodyLength;
        into.clear();
        StringBuilder scratch = strings.scratch();
        into.requestIdHigh = in.readLong();
        into.requestIdLow = in.readLong();
        into.nodeId = readCached(in, scratch, strings);
        into.nodeSequence = in.readLong();
        into.userId = readCached(in, scratch, strings);
        into.keyId = in.readLong();
        into.model = readCached(in, scratch, strings);
        in.readUtf8(into.generationId);
        into.promptTokens = in.readLong();
        into.completionTokens = in.readLong();
        into.billedCostNanos = in.readLong();
        into.upstreamCostNanos = in.readLong();
        into.status = UsageStatus.ofCode(in.readUnsignedByte());
        into.streamed = in.readBoolean();
        into.httpStatus = in.readUnsignedShort();
        in.readUtf8(into.sessionId);
        into.receivedAtMicros = in.readLong();
        into.firstByteAtMicros = in.readLong();
        into.completedAtMicros = in.readLong();
        if (in.readPosition() < end) {
            into.cachedTokens = in.readLong();
            into.reasoningTokens = in.readLong();
        }
        if (in.readPosition() < end) {
            into.costPending = in.readBoolean();
            into.reservedNanos = in.readLong();
            into.status = UsageStatus.ofCode(in.readUnsignedByte());
        }
        if (in.readPosition() > end) {
            throw new IllegalStateException("usage event body overruns its length " + bodyLength);
        }
        in.readPosition(end);
    }

    private static String readCached(BytesIn<?> in, StringBuilder scratch, StringCache strings) {
        scratch.setLength(0);
        if (!in.readUtf8(scratch)) {
            return null;
        }
        return strings.intern(scratch);
    }
}
