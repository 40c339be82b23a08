package ai.dexto.gateway.dataplane.relay;

/** Told what a settled chat request was billed, for its request line. */
public interface BillSink {
    void billed(long nanos);
}
