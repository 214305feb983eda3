package dev.entente.heartbeat.doctor;

import dev.entente.federation.doctor.Checks;
import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.heartbeat.schedule.RunOutcome;
import dev.entente.heartbeat.schedule.WorkerRun;
import dev.entente.heartbeat.schedule.WorkerRuns;
import dev.entente.heartbeat.tls.TlsRenewalFailure;
import dev.entente.heartbeat.tls.TlsRenewalTask;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * DR023: the last run of the automatic TLS renewal failed, on whichever replica ran it. The
 * finding names the cause and the command that renews by hand.
 */
public final class TlsRenewalCheck {
    private static final String STORED_PREFIX = TlsRenewalFailure.class.getSimpleName() + ": ";

    private final WorkerRuns runs;
    private final boolean autoRenew;

    /** @param autoRenew {@code entente.tls.auto-renew}: off, nothing renews and nothing can fail */
    public TlsRenewalCheck(WorkerRuns runs, boolean autoRenew) {
        this.runs = runs;
        this.autoRenew = autoRenew;
    }

    public DoctorCheck check() {
        return Checks.of(DoctorCode.DR023, true, this::failing);
    }

    private List<Finding> failing(Instant now) {
        if (!autoRenew) {
            return List.of();
        }
        return runs.find(TlsRenewalTask.NAME)
                .filter(r -> r.outcome().orElse(RunOutcome.OK) == RunOutcome.FAILED)
                .map(r -> List.of(Finding.of(DoctorCode.DR023, "the automatic renewal of the hub's TLS certificate failed "
                        + Checks.human(Duration.between(r.lastFinishedAt(), now)) + " ago: " + cause(r)
                        + "; renew it by hand", "entente tls rotate", TlsRenewalTask.NAME)))
                .orElse(List.of());
    }

    private static String cause(WorkerRun run) {
        String error = run.lastError() == null ? "no error recorded" : run.lastError();
        return error.startsWith(STORED_PREFIX) ? error.substring(STORED_PREFIX.length()) : error;
    }
}
