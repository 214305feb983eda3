package dev.entente.federation.doctor;

import dev.entente.federation.approval.ApprovalPolicies;
import dev.entente.federation.approval.ApprovalPolicy;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.time.Instant;
import java.util.List;

/**
 * DR024: an approval policy set while the hub runs is lower than configured, so an action that
 * configuration sends to a second operator runs at once. Said for as long as it lasts, with who
 * lowered it, why and until when: an emergency change must not outlive the emergency unnoticed.
 */
public final class PolicyCheck {
    private final ApprovalPolicies policies;

    public PolicyCheck(ApprovalPolicies policies) {
        this.policies = policies;
    }

    public DoctorCheck check() {
        return Checks.of(DoctorCode.DR024, true, this::lowered);
    }

    private List<Finding> lowered(Instant now) {
        return policies.lowered(now).stream().map(p -> Finding.of(DoctorCode.DR024, describe(p),
                p.until() == null ? "entente approvals policy set " + p.action() + " require_approval --reason \"emergency over\""
                        : "entente approvals policy list", p.action())).toList();
    }

    private static String describe(ApprovalPolicy p) {
        return "approval policy for " + p.action() + " is auto, lowered from the configured require_approval by "
                + p.setBy() + (p.until() == null ? " for good" : " until " + p.until()) + ": " + p.reason();
    }
}
