package dev.entente.heartbeat.doctor;

import dev.entente.federation.doctor.Checks;
import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.heartbeat.schedule.WorkerPauses;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.time.Instant;
import java.util.List;

/**
 * DR025: an operator paused worker jobs. While paused, what they do (marking silent peers
 * degraded, expiring tokens and grants, renewing, scanning) does not happen; each pause is named
 * with who made it, why and until when.
 */
public final class PauseCheck {
    private final WorkerPauses pauses;

    public PauseCheck(WorkerPauses pauses) {
        this.pauses = pauses;
    }

    public DoctorCheck check() {
        return Checks.of(DoctorCode.DR025, true, this::paused);
    }

    private List<Finding> paused(Instant now) {
        return pauses.list(now).stream().map(p -> Finding.of(DoctorCode.DR025, p.describe(),
                WorkerPauses.ALL.equals(p.job()) ? "entente worker resume" : "entente worker resume --job " + p.job(),
                p.job())).toList();
    }
}
