package dev.entente.ca.rotation;

import dev.entente.ca.authority.CaKey;
import dev.entente.ca.authority.CaKeys;
import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.FederationCa;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.Effect;
import dev.entente.lifecycle.engine.LifecycleDefinition;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.lifecycle.engine.LifecycleState;
import dev.entente.lifecycle.engine.TableBinding;
import dev.entente.lifecycle.engine.TransitionResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
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

    /** What {@code entente ca status} shows for one CA type. */
    public record Status(String type, RotationState phase, Instant since, String activeFingerprint,
                         String standbyFingerprint, List<String> laggards) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            m.put("phase", phase.value());
            m.put("since", since.toString());
            m.put("active_fingerprint", activeFingerprint);
            m.put("standby_fingerprint", standbyFingerprint);
            m.put("laggards", laggards);
            return m;
        }
    }

    /** START: a new key is generated and trusted; the old one keeps signing. */
    public TransitionResult<RotationState> startRotation(String operator) {
        return apply(RotationEvent.START, operator, false);
    }

    /**
     * ADVANCE from whatever phase the rotation is in: init → update_clients (the new key signs),
     * update_clients → update_servers (refused while laggards exist unless {@code force}),
     * update_servers → standby (the old key leaves the bundle), rollback → standby (the new key
     * is discarded).
     */
    public TransitionResult<RotationState> advance(String operator, boolean force) {
        return apply(RotationEvent.ADVANCE, operator, force);
    }

    /** ROLLBACK: signing returns to the old key; both stay trusted while peers renew back. */
    public TransitionResult<RotationState> rollBack(String operator) {
        return apply(RotationEvent.ROLLBACK, operator, false);
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

    private TransitionResult<RotationState> apply(RotationEvent event, String operator, boolean force) {
        List<String> laggards = tx.read(c -> laggards(c, ca.keys(c)));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put(RotationTransitions.LAGGARDS, laggards);
        context.put(RotationTransitions.FORCE, force);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("laggards", laggards);
        details.put("force", force);
        return engine.apply(DEFINITION, FederationCa.TYPE, event, operator, context, details, this::moveKeys);
    }

    /** The key move that belongs to each transition; runs only after the phase change saved. */
    private void moveKeys(Connection c, Map<String, Object> row, LifecycleState from, LifecycleState to,
                          Map<String, Object> context) throws SQLException {
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
