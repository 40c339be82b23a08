package ai.dexto.gateway.dataplane.relay;

/**
 * Where one chat request is, from its reservation to its settlement ({@link ChatExchange} makes the
 * transitions, each on an event of the upstream, the client or the timer).
 *
 * <pre>
 * CONNECTING ──connected──▶ AWAITING_HEAD ──200 stream──▶ STREAMING ──end──▶ FINISHING ──cost──▶ DONE
 *      ▲  (retry once:              │ └──whole answer / error──▶ BUFFERING ──end──▶ FINISHING ─┘
 *      └── reset, 401 healed)       │
 *   client gone or answered early (timeout, shutdown) before the cost can be known:
 *      AWAITING_HEAD, BUFFERING ──▶ ORPHANED (the upstream is still read, only to learn the cost)
 *      STREAMING, FINISHING, ORPHANED ──▶ SETTLING (the generation's record is looked up) ──▶ DONE
 * </pre>
 * <p>Billed = what the upstream charged, on every path: the usage in the answer, else the
 * upstream's record of the generation (a stream's id comes with its head, and an intent record is
 * journaled at once so even a killed node's stream is settled by the control plane), else pending.
 * The upstream is never hung up on before its generation id is known, except when it has not
 * answered at all within the orphan limit. Settling (exactly once, entering {@code DONE}) comes before
 * the last bytes to the client, so {@code X-Dexto-Credits-Remaining} is the balance after the request.
 */
enum ExchangeState {
    /** Taking an upstream connection from the pool (again after a reset before the head, or a healed 401). */
    CONNECTING,
    /** The request is written; the upstream's head has not arrived (the first-byte limit runs). */
    AWAITING_HEAD,
    /** A 200 stream: events go to the client batch by batch, at the client's pace. */
    STREAMING,
    /** A whole answer (or an error's body) is gathered before the client gets it. */
    BUFFERING,
    /** The upstream is done and the client still here: its last bytes wait for the cost. */
    FINISHING,
    /** The client has its answer or is gone, the cost is not known: the upstream is read only to learn it. */
    ORPHANED,
    /** Nothing more goes to the client: the generation's record is looked up, then settled. */
    SETTLING,
    /** Settled and journaled, exactly once. */
    DONE;

    /** Settling or settled: a second ending is ignored. */
    boolean ended() {
        return this == SETTLING || this == DONE;
    }

    /** Whether the upstream is still read in this state. */
    boolean readsUpstream() {
        return this != FINISHING && this != SETTLING && this != DONE;
    }
}
