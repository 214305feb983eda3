package dev.entente.ca.rotation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.entente.ca.authority.CaKey;
import dev.entente.ca.authority.CaKeys;
import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.FederationCa;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleDefinition;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.lifecycle.engine.LifecycleState;
import dev.entente.lifecycle.engine.Row;
import dev.entente.lifecycle.engine.TableBinding;
import dev.entente.lifecycle.engine.TransitionContext;
import dev.entente.lifecycle.engine.TransitionResult;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The CA rotation lifecycle of the federation CA: one engine transition per operator move, whose
 * effect moves the keys ({@link FederationCa}) in the same transaction as the phase change and
 * its audit event. A hub restarted mid-rotation reads phase and keys back from the database.
 */
public final class RotationLifecycle {
    /** The definition: table {@code ca_rotations} keyed by CA type, audit types {@code ca_rotation.<phase>}. */
    public static final LifecycleDefinition<RotationState, RotationEvent> DEFINITION = new LifecycleDefinition<>(
            "ca_rotation", RotationState.class, RotationEvent.class, RotationTransitions.TABLE, RotationState.STANDBY,
            new TableBinding("ca_rotations", "ca_type", "state", "version", "updated_at"), "ca_rotation");

    private final LifecycleEngine engine;
    private final Tx tx;
    private final FederationCa ca;
    private final CertificateAuthority authority;
    private final Clock clock;

    public RotationLifecycle(LifecycleEngine engine, Tx tx, FederationCa ca, CertificateAuthority authority, Clock clock) {
        this.engine = engine;
        this.tx = tx;
        this.ca = ca;
        this.authority = authority;
        this.clock = clock;
    }

    /** What {@code entente ca status} shows for one CA type; its JSON is {@link View}. */
    public record Status(String type, RotationState phase, Instant since, String activeFingerprint,
                         String standbyFingerprint, List<String> laggards) {
        @JsonValue
        public View view() {
            return new View(type, phase.value(), since.toString(), activeFingerprint, standbyFingerprint, laggards);
        }
    }

    /** {@link Status} as JSON: snake_case keys in this order, {@code since} RFC 3339, nulls written. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"type", "phase", "since", "active_fingerprint", "standby_fingerprint", "laggards"})
    public record View(@JsonProperty("type") String type, @JsonProperty("phase") String phase,
                       @JsonProperty("since") String since, @JsonProperty("active_fingerprint") String activeFingerprint,
                       @JsonProperty("standby_fingerprint") String standbyFingerprint,
                       @JsonProperty("laggards") List<String> laggards) {
    }

    /**
     * START: a new key is generated and trusted; the old one keeps signing. Only {@code standby}
     * accepts it, so that is the phase it expects to leave.
     */
    public TransitionResult<RotationState> startRotation(String operator) {
        return apply(RotationEvent.START, operator, RotationState.STANDBY, false);
    }

    /**
     * ADVANCE out of {@code expected}, the phase the operator last saw: init → update_clients
     * (the new key signs), update_clients → update_servers (refused while laggards exist unless
     * {@code force}), update_servers → standby (the old key leaves the bundle), rollback → standby
     * (the new key is discarded). Refused with {@code rotation_phase_changed} when the rotation is
     * no longer in {@code expected}, and with {@code transition_rejected} in standby (nothing to
     * advance): a call that returns moved the phase exactly one step.
     */
    public TransitionResult<RotationState> advance(String operator, RotationState expected, boolean force) {
        return apply(RotationEvent.ADVANCE, operator, expected, force);
    }

    /**
     * ROLLBACK out of {@code expected}: signing returns to the old key; both stay trusted while
     * peers renew back. Refused like {@link #advance} when the phase moved or there is nothing to roll back.
     */
    public TransitionResult<RotationState> rollBack(String operator, RotationState expected) {
        return apply(RotationEvent.ROLLBACK, operator, expected, false);
    }

    /** Just the phase: one indexed read, cheap enough for every heartbeat. */
    public RotationState phase() {
        return tx.read(RotationLifecycle::currentPhase);
    }

    /** The current phase and laggards, read on the caller's transaction. */
    public Status status(Connection c) throws SQLException {
        RotationState phase = currentPhase(c);
        CaKeys keys = ca.keys(c);
        return new Status(FederationCa.TYPE, phase, null, keys.signing().fingerprint(),
                keys.standby().map(CaKey::fingerprint).orElse(null), laggards(c, keys));
    }

    public Status status() {
        return tx.read(c -> {
            RotationState phase;
            Instant since;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT state, state_since FROM ca_rotations WHERE ca_type = ?")) {
                ps.setString(1, FederationCa.TYPE);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    phase = LifecycleState.fromValue(RotationState.class, rs.getString(1));
                    since = rs.getTimestamp(2).toInstant();
                }
            }
            CaKeys keys = ca.keys(c);
            String standby = keys.standby().map(CaKey::fingerprint).orElse(null);
            return new Status(FederationCa.TYPE, phase, since, keys.signing().fingerprint(), standby, laggards(c, keys));
        });
    }

    private TransitionResult<RotationState> apply(RotationEvent event, String operator, RotationState expected,
                                                  boolean force) {
        java.util.Objects.requireNonNull(expected, "expected phase");
        List<String> laggards = tx.read(c -> laggards(c, ca.keys(c)));
        TransitionContext context = TransitionContext.of(RotationTransitions.LAGGARDS, laggards)
                .with(RotationTransitions.FORCE, force)
                .with(RotationTransitions.EXPECTED_PHASE, expected);
        Map<String, ?> details = Map.of("laggards", laggards, "force", force, "expected_phase", expected.value());
        TransitionResult<RotationState> result;
        try {
            result = engine.apply(DEFINITION, FederationCa.TYPE, event, operator, context, details, this::moveKeys);
        } catch (EntenteException e) {
            // The engine refuses before the guards run when the phase it loaded has no such move,
            // and reports a lost race as a bare conflict: both mean, for a caller who named the
            // phase, that the rotation moved on from under it.
            if (e.code() == ErrorCode.CONFLICT) {
                throw RotationTransitions.phaseChanged(expected, phase(), event);
            }
            if (e.code() == ErrorCode.TRANSITION_REJECTED && !expected.value().equals(e.extensions().get("state"))) {
                throw RotationTransitions.phaseChanged(expected, LifecycleState.fromValue(RotationState.class,
                        (String) e.extensions().get("state")), event);
            }
            throw e;
        }
        if (!result.changed()) {
            // The engine's idempotent no-op (already where the event leads). With the phase named
            // it is either a repeat that already landed, or a move the named phase does not have.
            if (result.from() != expected) {
                throw RotationTransitions.phaseChanged(expected, result.from(), event);
            }
            throw nothingToDo(expected, event);
        }
        return result;
    }

    private static EntenteException nothingToDo(RotationState phase, RotationEvent event) {
        String move = LifecycleDefinition.eventName(event);
        String why = switch (phase) {
            case STANDBY -> "no rotation is under way; start one with 'entente ca rotate start'";
            case INIT, UPDATE_CLIENTS, UPDATE_SERVERS -> "a rotation is already under way; advance or roll it back";
            case ROLLBACK -> "the rotation is already rolling back; advance to discard the new key";
        };
        return DEFINITION.rejection(FederationCa.TYPE, phase, event, "nothing to " + move + " from " + phase.value()
                + ": " + why, Map.of("changed", false));
    }

    /** The key move that belongs to each transition; runs only after the phase change saved. */
    private void moveKeys(Connection c, Row row, LifecycleState from, LifecycleState to, TransitionContext context)
            throws SQLException {
        RotationState f = (RotationState) from;
        RotationState t = (RotationState) to;
        switch (t) {
            case INIT -> ca.startRotation(c);
            case UPDATE_CLIENTS -> ca.switchSigningToStandby(c);
            case UPDATE_SERVERS -> {
                // nothing moves: every peer is on the new key, the old one is still trusted
            }
            case ROLLBACK -> ca.rollBack(c);
            case STANDBY -> {
                if (f == RotationState.ROLLBACK) {
                    ca.discardStandby(c);
                } else {
                    ca.dropOldKey(c);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE ca_rotations SET state_since = ?, forced = ? WHERE ca_type = ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant()));
            ps.setBoolean(2, Boolean.TRUE.equals(context.get(RotationTransitions.FORCE)));
            ps.setString(3, FederationCa.TYPE);
            ps.executeUpdate();
        }
    }

    /**
     * Peers still holding live node certificates under the key that is on its way out: the old
     * key while the new one is trusted or signs, the new key during a rollback.
     */
    private List<String> laggards(Connection c, CaKeys keys) throws SQLException {
        if (!keys.rotating()) {
            return List.of();
        }
        CaKey leaving = keys.newKeySigns() ? keys.oldKey() : keys.newKey();
        RotationState phase = currentPhase(c);
        if (phase == RotationState.INIT) {
            leaving = keys.oldKey();
        }
        return authority.laggards(c, leaving.fingerprint(), clock.instant());
    }

    private static RotationState currentPhase(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT state FROM ca_rotations WHERE ca_type = ?")) {
            ps.setString(1, FederationCa.TYPE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return LifecycleState.fromValue(RotationState.class, rs.getString(1));
            }
        }
    }
}
