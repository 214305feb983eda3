package dev.entente.federation.doctor;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.rotation.RotationState;
import dev.entente.federation.renewal.Laggards;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Checks of the federation CA rotation: a phase held too long, and peers not yet on the new key. */
public final class RotationChecks {
    /**
     * Peers move to a new key on their next heartbeat (minutes at most); a phase held for a day
     * is a rotation somebody started and forgot, with two keys trusted meanwhile.
     */
    static final Duration PHASE_TOO_LONG = Duration.ofHours(24);

    private final RotationLifecycle rotation;
    private final Laggards laggards;

    public RotationChecks(RotationLifecycle rotation, Laggards laggards) {
        this.rotation = rotation;
        this.laggards = laggards;
    }

    /** DR012: out of standby, in one phase for more than 24 h. */
    private List<Finding> stuck(Instant now) {
        RotationLifecycle.Status s = rotation.status();
        if (s.phase() == RotationState.STANDBY || s.since() == null || !s.since().plus(PHASE_TOO_LONG).isBefore(now)) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR012, "the federation CA rotation has been in " + s.phase().value()
                + " for " + Checks.human(Duration.between(s.since(), now)), "entente ca status", s.type()));
    }

    /**
     * DR013: peers still on the key being retired. Not in standby (nothing retires) nor in init:
     * there the new key is only trusted, and every peer is on the old one until update_clients
     * makes it sign, so a laggard list then is expected, not a fault.
     */
    private List<Finding> laggardPeers(Instant now) {
        RotationLifecycle.Status s = rotation.status();
        if (s.phase() == RotationState.STANDBY || s.phase() == RotationState.INIT || s.laggards().isEmpty()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        out.add(Finding.of(DoctorCode.DR013, s.laggards().size() + " peer(s) still hold node certificates under the "
                + "key the " + s.phase().value() + " phase is moving away from: " + laggards.summary(s)
                + "; a recent heartbeat renews on the next one, an old one is a peer offline (start it, or revoke it)",
                "entente ca status", String.join(",", s.laggards())));
        return out;
    }

    public List<DoctorCheck> all() {
        return List.of(Checks.of(DoctorCode.DR012, true, this::stuck), Checks.of(DoctorCode.DR013, true, this::laggardPeers));
    }
}
