package dev.entente.ca.rotation;

import dev.entente.lifecycle.engine.Guard;
import dev.entente.lifecycle.engine.Transition;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.entente.ca.rotation.RotationEvent.ADVANCE;
import static dev.entente.ca.rotation.RotationEvent.ROLLBACK;
import static dev.entente.ca.rotation.RotationEvent.START;
import static dev.entente.ca.rotation.RotationState.INIT;
import static dev.entente.ca.rotation.RotationState.STANDBY;
import static dev.entente.ca.rotation.RotationState.UPDATE_CLIENTS;
import static dev.entente.ca.rotation.RotationState.UPDATE_SERVERS;

/**
 * The CA rotation table of DESIGN §3, as data.
 *
 * <pre>
 *   standby        START    → init
 *   init           ADVANCE  → update_clients
 *   update_clients ADVANCE  → update_servers  [no_laggards]
 *   update_servers ADVANCE  → standby
 *   init, update_clients, update_servers ROLLBACK → rollback
 *   rollback       ADVANCE  → standby         [no_laggards]
 * </pre>
 */
public final class RotationTransitions {
    /** Context key: peer ids still holding live node certificates under the old key ({@code List<String>}). */
    public static final String LAGGARDS = "laggards";
    /** Context key: the operator asked to advance despite laggards ({@code Boolean}). */
    public static final String FORCE = "force";

    /**
     * Dropping the old key while peers still hold certificates under it would cut them off: they
     * must renew first (heartbeats do it), or the operator says so explicitly with force.
     */
    public static final Guard<RotationState, RotationEvent> NO_LAGGARDS = Guard.of("no_laggards", in -> {
        Object laggards = in.context().get(LAGGARDS);
        boolean force = Boolean.TRUE.equals(in.context().get(FORCE));
        if (force || !(laggards instanceof List<?> l) || l.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EntenteException(ErrorCode.ROTATION_LAGGARDS, l.size()
                + " peer(s) still hold node certificates under the key being dropped: " + l
                + "; wait for their next heartbeat to renew them, revoke them, or advance with --force",
                Map.of("laggards", List.copyOf(l), "state", in.from().value())));
    });

    public static final List<Transition<RotationState, RotationEvent>> TABLE = List.of(
            Transition.of(STANDBY, START, INIT),
            Transition.of(INIT, ADVANCE, UPDATE_CLIENTS),
            Transition.guarded(UPDATE_CLIENTS, ADVANCE, UPDATE_SERVERS, NO_LAGGARDS),
            Transition.of(UPDATE_SERVERS, ADVANCE, STANDBY),
            Transition.of(INIT, ROLLBACK, RotationState.ROLLBACK),
            Transition.of(UPDATE_CLIENTS, ROLLBACK, RotationState.ROLLBACK),
            Transition.of(UPDATE_SERVERS, ROLLBACK, RotationState.ROLLBACK),
            // Not in DESIGN §3's table: discarding the new key also cuts off peers that already
            // renewed under it, so the same guard applies (they renew back within one heartbeat).
            Transition.guarded(RotationState.ROLLBACK, ADVANCE, STANDBY, NO_LAGGARDS));

    private RotationTransitions() {
    }
}
