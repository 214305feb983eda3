package dev.entente.lifecycle.audit;

/**
 * Who writes events of an {@link AuditEventType}: an operator, a calling peer, nobody yet known,
 * the mover of a lifecycle transition, or one of the hub's own {@link EventSource}s.
 */
public sealed interface AuditActor permits AuditActor.Party, EventSource {
    /** How the event's actor reads, e.g. {@code system:heartbeat} or {@code peer:<peer id>}. */
    String shown();

    /** Actors that are not the hub itself. */
    enum Party implements AuditActor {
        /** An operator's API call: the actor is the token's subject. */
        OPERATOR("<operator>"),
        /** A peer's federation API call: the actor is {@code peer:<peer id>}. */
        PEER("peer:<peer id>"),
        /** A call refused before anyone was authenticated. */
        ANONYMOUS("anonymous"),
        /**
         * The lifecycle engine, on every state change into the type's state: the actor is whoever
         * made the move (an operator, the handshake, a sweep, an expiry job).
         */
        TRANSITION("<whoever made the move>");

        private final String shown;

        Party(String shown) {
            this.shown = shown;
        }

        @Override
        public String shown() {
            return shown;
        }
    }
}
