package ai.dexto.gateway.sim.fault;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The global fault: applies to the next {@code count} chat requests (or until cleared when count is
 * -1). A header fault on a request wins over the global one and does not consume it, so a test can
 * aim one request precisely while a background fault is armed.
 */
public final class FaultInjector {
    private static final Armed DISARMED = new Armed(Fault.NONE, 0);

    private final AtomicReference<Armed> armed = new AtomicReference<>(DISARMED);

    public void arm(Fault fault, int count) {
        if (count < -1) {
            throw new IllegalArgumentException("count must be -1 (until cleared) or >= 0: " + count);
        }
        armed.set(count == 0 || fault.isNone() ? DISARMED : new Armed(fault, count));
    }

    public void clear() {
        armed.set(DISARMED);
    }

    /** The fault for one request: its own header if any, else one use of the global fault. */
    public Fault forRequest(String headerSpec) {
        if (headerSpec != null && !headerSpec.isBlank()) {
            return Fault.parse(headerSpec);
        }
        while (true) {
            Armed current = armed.get();
            if (current == DISARMED) {
                return Fault.NONE;
            }
            if (current.remaining == -1) {
                return current.fault;
            }
            Armed next = current.remaining == 1 ? DISARMED : new Armed(current.fault, current.remaining - 1);
            if (armed.compareAndSet(current, next)) {
                return current.fault;
            }
        }
    }

    private record Armed(Fault fault, int remaining) {
    }
}
