package ai.dexto.gateway.controlplane.journal;

/**
 * A journal the drain must not go past on its own: an event it cannot decode (skipping it would bill
 * nothing for a served request) or a journal that is not the one whose position it stored (lost or
 * replaced directory: resuming would skip or re-read events silently). The queue's drain stops, its
 * health check turns red and {@code dexto_control_drain_failed{node}} is 1 until an operator acts.
 */
final class DrainHalted extends RuntimeException {
    DrainHalted(String message, Throwable cause) {
        super(message, cause);
    }

    DrainHalted(String message) {
        super(message);
    }
}
