package dev.entente.federation.doctor;

import dev.entente.federation.heartbeat.PeerClocks;
import dev.entente.federation.heartbeat.PeerClocks.OwnOffset;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;
import dev.entente.lifecycle.doctor.Severity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * DR020: this hub's own clock against its peers' (DR009 is the other way round: a peer's clock
 * as this hub sees it). A hub whose clock is off is the one whose tokens and certificates fail
 * everywhere, so it must say so itself rather than leave it to its peers' doctors.
 */
public final class ClockChecks {
    private final PeerClocks clocks;
    private final Duration limit;

    /** @param limit the skew tolerated in tokens ({@code entente.tokens.clock-skew}) */
    public ClockChecks(PeerClocks clocks, Duration limit) {
        this.clocks = clocks;
        this.limit = limit;
    }

    public DoctorCheck check() {
        return Checks.of(DoctorCode.DR020, false, this::ownSkew);
    }

    /** The offset beyond the limit, when it is (measured in memory, so the check needs no database). */
    public Optional<OwnOffset> skewed() {
        return clocks.offset().filter(o -> o.beyond(limit));
    }

    private List<Finding> ownSkew(Instant now) {
        return skewed().map(this::finding).stream().toList();
    }

    private Finding finding(OwnOffset o) {
        String how = Checks.human(o.offset().abs()) + (o.offset().isNegative() ? " behind " : " ahead of ");
        String against = o.onlyPeer() != null
                ? "its only measured peer, " + o.onlyPeer() + " (with one peer either clock may be the wrong one)"
                : "the median of its " + o.peers() + " peers";
        Finding f = Finding.of(DoctorCode.DR020, "this hub's clock is " + how + against + " (limit "
                + Checks.human(limit) + "); tokens and certificates it issues or checks will look expired or not yet "
                + "valid: fix the time source of this machine", "entente status", null);
        // Several peers agreeing that this clock is off leaves no doubt which clock is wrong.
        return o.onlyPeer() == null ? f.withSeverity(Severity.ERROR) : f;
    }
}
