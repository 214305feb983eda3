package dev.entente.controlplane.doctor;

import dev.entente.lifecycle.audit.AuditVerification;

import java.util.List;

/** DR014: walks the audit HMAC chain, exactly as {@code entente audit verify} does. */
final class AuditCheck {
    private AuditCheck() {
    }

    static final DoctorCheck CHAIN = Checks.of(DoctorCode.DR014, true, (hub, now) -> {
        AuditVerification v = hub.tx().read(c -> hub.audit().verify(c));
        if (v.ok()) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR014, "the audit chain breaks at event " + v.firstBroken() + ": " + v.reason(),
                "entente audit verify", String.valueOf(v.firstBroken())));
    });
}
