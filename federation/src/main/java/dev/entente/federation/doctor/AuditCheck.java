package dev.entente.federation.doctor;

import dev.entente.federation.anchor.AnchoredAudit;
import dev.entente.lifecycle.audit.AuditVerification;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.time.Instant;
import java.util.List;

/** DR014: walks the audit HMAC chain and compares it with its anchors, exactly as {@code entente audit verify} does. */
public final class AuditCheck {
    private final AnchoredAudit audit;

    public AuditCheck(AnchoredAudit audit) {
        this.audit = audit;
    }

    public DoctorCheck check() {
        return Checks.of(DoctorCode.DR014, true, this::chain);
    }

    private List<Finding> chain(Instant now) {
        AuditVerification v = audit.verify().verification();
        if (v.ok()) {
            return List.of();
        }
        if (v.truncated() != null) {
            AuditVerification.Truncation t = v.truncated();
            return List.of(Finding.of(DoctorCode.DR014, "the audit chain was truncated: " + t.witness()
                    + " anchored event " + t.anchoredSeq() + ", the database holds " + t.dbSeq() + ": " + v.reason(),
                    "entente audit verify", String.valueOf(v.firstBroken())));
        }
        return List.of(Finding.of(DoctorCode.DR014, "the audit chain breaks at event " + v.firstBroken() + ": " + v.reason(),
                "entente audit verify", String.valueOf(v.firstBroken())));
    }
}
