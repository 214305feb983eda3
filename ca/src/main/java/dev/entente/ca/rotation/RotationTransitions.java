package dev.entente.ca.rotation;

import dev.entente.lifecycle.engine.ContextKey;
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
 *
 * <p>Every move is also guarded by {@code phase_as_expected}: the caller names the phase it saw
 * and means to leave, so a move sent twice, or by two operators at once, moves one step and not
 * two (Teleport's rotate names its target phase for the same reason).
 */
public final class RotationTransitions {
    /** Context key: peer ids still holding live node certificates under the old key. */
    public static final ContextKey<List<String>> LAGGARDS = ContextKey.named("laggards");
    /** Context key: the operator asked to advance despite laggards. */
    public static final ContextKey<Boolean> FORCE = ContextKey.named("force");
    /** Context key: the phase the caller saw and means to leave. */
    public static final ContextKey<RotationState> EXPECTED_PHASE = ContextKey.named("expected_phase");

    /**
     * A move applies only to the phase the operator decided it on. Without this, a second
     * {@code advance} that loaded the row after the first committed would move on from the new
     * phase: {@code update_clients → update_servers → standby} in one burst, dropping the old key
     * without the planned stop.
     */
    public static final Guard<RotationState, RotationEvent> PHASE_AS_EXPECTED = Guard.of("phase_as_expected", in -> {
        RotationState phase = in.context().require(EXPECTED_PHASE);
        return phase == in.from() ? Optional.empty() : Optional.of(phaseChanged(phase, in.from(), in.event()));
    });

    /**
     * Dropping the old key while peers still hold certificates under it would cut them off: they
     * must renew first (heartbeats do it), or the operator says so explicitly with force.
     */
    public static final Guard<RotationState, RotationEvent> NO_LAGGARDS = Guard.of("no_laggards", in -> {
        List<String> l = in.context().get(LAGGARDS);
        boolean force = Boolean.TRUE.equals(in.context().get(FORCE));
        if (force || l == null || l.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EntenteException(ErrorCode.ROTATION_LAGGARDS, l.size()
                + " peer(s) still hold node certificates under the key being dropped: " + l
                + "; wait for their next heartbeat to renew them, revoke them, or advance with --force",
                Map.of("laggards", List.copyOf(l), "state", in.from().value())));
    });

    public static final List<Transition<RotationState, RotationEvent>> TABLE = List.of(
            Transition.guarded(STANDBY, START, INIT, PHASE_AS_EXPECTED),
            Transition.guarded(INIT, ADVANCE, UPDATE_CLIENTS, PHASE_AS_EXPECTED),
            Transition.guarded(UPDATE_CLIENTS, ADVANCE, UPDATE_SERVERS, Guard.allOf(PHASE_AS_EXPECTED, NO_LAGGARDS)),
            Transition.guarded(UPDATE_SERVERS, ADVANCE, STANDBY, PHASE_AS_EXPECTED),
            Transition.guarded(INIT, ROLLBACK, RotationState.ROLLBACK, PHASE_AS_EXPECTED),
            Transition.guarded(UPDATE_CLIENTS, ROLLBACK, RotationState.ROLLBACK, PHASE_AS_EXPECTED),
            Transition.guarded(UPDATE_SERVERS, ROLLBACK, RotationState.ROLLBACK, PHASE_AS_EXPECTED),
            // Not in DESIGN §3's table: discarding the new key also cuts off peers that already
            // renewed under it, so the same guard applies (they renew back within one heartbeat).
            Transition.guarded(RotationState.ROLLBACK, ADVANCE, STANDBY, Guard.allOf(PHASE_AS_EXPECTED, NO_LAGGARDS)));

    /**
     * The refusal of a move decided on a phase the rotation has left: it names the phase the
     * rotation is in now, so the caller can see whether its earlier call (or someone else's) landed.
     */
    public static EntenteException phaseChanged(RotationState expected, RotationState current, RotationEvent event) {
        String move = dev.entente.lifecycle.engine.LifecycleDefinition.eventName(event);
        return new EntenteException(ErrorCode.ROTATION_PHASE_CHANGED, "the rotation is in " + current.value()
                + ", not " + expected.value() + " as this " + move + " expected: another move landed first; check "
                + "'entente ca status' and send the next move from " + current.value() + " if it is still wanted",
                Map.of("expected_phase", expected.value(), "phase", current.value(),
                        "event", move));
    }

    private RotationTransitions() {
    }
}
