package dev.entente.controlplane.doctor;


import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** Every check, in code order. */
    public static Doctor standard() {
        List<DoctorCheck> all = new ArrayList<>();
        all.addAll(HubChecks.all());
        all.addAll(PeerChecks.all());
        all.addAll(RotationChecks.all());
        all.addAll(DeadlineChecks.all());
        all.add(AuditCheck.CHAIN);
        all.sort(Comparator.comparing(DoctorCheck::code));
        return new Doctor(all);
    }

    public List<DoctorCheck> checks() {
        return checks;
    }

    /** What every check found, worst first then by code. */
    public Report run(DoctorContext hub) {
        Instant now = hub.clock().instant();
        List<Finding> findings = new ArrayList<>();
        boolean databaseDown = false;
        for (DoctorCheck check : checks) {
            if (check.code() == DoctorCode.DR001) {
                List<Finding> found = runOne(check, hub, now);
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
            findings.addAll(runOne(check, hub, now));
        }
        if (skipped > 0) {
            int n = skipped;
            findings.replaceAll(f -> f.code() == DoctorCode.DR001 ? new Finding(f.code(), f.name(), f.severity(),
                    f.diagnosis() + "; " + n + " checks that read the database were skipped", f.nextCommand(), f.subject()) : f);
        }
        findings.sort(Comparator.comparing(Finding::severity).reversed().thenComparing(Finding::code));
        return new Report(findings);
    }

    private static List<Finding> runOne(DoctorCheck check, DoctorContext hub, Instant now) {
        try {
            return check.run(hub, now);
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

    /** The outcome of one run: ok unless some finding is at error severity. */
    public record Report(List<Finding> findings) {
        public Report {
            findings = List.copyOf(findings);
        }

        public boolean ok() {
            return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
        }

        /** {@code {"ok": bool, "findings": [...]}}, the API's answer. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ok", ok());
            m.put("findings", findings.stream().map(Finding::toMap).toList());
            return m;
        }
    }
}
