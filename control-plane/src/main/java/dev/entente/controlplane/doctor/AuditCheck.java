package dev.entente.controlplane.doctor;

import dev.entente.lifecycle.audit.AuditVerification;

import java.util.List;

/** DR014: walks the audit HMAC chain and compares it with its anchors, exactly as {@code entente audit verify} does. */
final class AuditCheck {
    private AuditCheck() {
    }

    static final DoctorCheck CHAIN = Checks.of(DoctorCode.DR014, true, (hub, now) -> {
        AuditVerification v = hub.anchoredAudit().verify().verification();
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
    });
}
