package dev.entente.federation.doctor;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;
import dev.entente.lifecycle.doctor.Severity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Runs every check against one hub. A check that throws becomes its own {@link DoctorCode#DR000}
 * finding, so one broken check never hides what the others found. When the database is
 * unreachable (DR001) the checks that need it are skipped rather than each failing with the
 * same cause; the DR001 finding says how many were skipped.
 */
public final class Doctor {
    private final List<DoctorCheck> checks;

    public Doctor(List<DoctorCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /**
     * The federation's checks (listener, peers, rotation, deadlines, audit chain) and
     * {@code above}, those of the modules above it (the worker's tasks, the shell's database), in
     * code order.
     */
    public static Doctor of(List<DoctorCheck> above, ListenerChecks listener, PeerChecks peers, RotationChecks rotation,
                            DeadlineChecks deadlines, AuditCheck audit) {
        List<DoctorCheck> all = new ArrayList<>(above);
        all.addAll(listener.all());
        all.addAll(peers.all());
        all.addAll(rotation.all());
        all.addAll(deadlines.all());
        all.add(audit.check());
        all.sort(Comparator.comparing(DoctorCheck::code));
        return new Doctor(all);
    }

    public List<DoctorCheck> checks() {
        return checks;
    }

    /** What every check found at {@code now}, worst first then by code. */
    public Report run(Instant now) {
        List<Finding> findings = new ArrayList<>();
        boolean databaseDown = false;
        for (DoctorCheck check : checks) {
            if (check.code() == DoctorCode.DR001) {
                List<Finding> found = runOne(check, now);
                databaseDown = found.stream().anyMatch(f -> f.code() == DoctorCode.DR001);
                findings.addAll(found);
            }
        }
        int skipped = 0;
        for (DoctorCheck check : checks) {
            if (check.code() == DoctorCode.DR001) {
                continue;
            }
            if (databaseDown && check.needsDatabase()) {
                skipped++;
                continue;
            }
            findings.addAll(runOne(check, now));
        }
        if (skipped > 0) {
            int n = skipped;
            findings.replaceAll(f -> f.code() == DoctorCode.DR001 ? new Finding(f.code(), f.name(), f.severity(),
                    f.diagnosis() + "; " + n + " checks that read the database were skipped", f.nextCommand(), f.subject()) : f);
        }
        findings.sort(Comparator.comparing(Finding::severity).reversed().thenComparing(Finding::code));
        return new Report(findings);
    }

    private static List<Finding> runOne(DoctorCheck check, Instant now) {
        try {
            return check.run(now);
        } catch (Exception e) {
            return List.of(new Finding(DoctorCode.DR000, DoctorCode.DR000.checkName(), Severity.ERROR,
                    "check " + check.code() + " (" + check.code().checkName() + ") failed: " + rootMessage(e),
                    "entente doctor --explain " + check.code(), check.code().code()));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** The outcome of one run: ok unless some finding is at error severity; as JSON {@code {"ok", "findings"}}. */
    @JsonPropertyOrder({"ok", "findings"})
    public record Report(List<Finding> findings) {
        public Report {
            findings = List.copyOf(findings);
        }

        @JsonProperty("ok")
        public boolean ok() {
            return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
        }
    }
}
