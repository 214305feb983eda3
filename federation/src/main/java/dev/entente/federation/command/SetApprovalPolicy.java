package dev.entente.federation.command;

import dev.entente.federation.approval.ApprovalPolicies;
import dev.entente.federation.peer.Durations;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Duration;

/**
 * {@code approvals policy set}: an action's approval policy, for good or for a while. Lowering a
 * policy that requires approval is itself under that policy (the approval gate decides); raising
 * one never waits.
 *
 * @param target   the action the policy is for, e.g. {@code peer.revoke}
 * @param policy   {@code auto} or {@code require_approval}
 * @param duration how long the setting lasts ({@code 30m}), after which what it replaced is in
 *                 force again; null for good
 * @param reason   why; required, it goes into the audit and {@code approvals policy list}
 */
public record SetApprovalPolicy(String target, String policy, String duration, String reason) implements OperatorCommand {
    public static final String ACTION = "approval_policy.set";

    public SetApprovalPolicy {
        ApprovalPolicies.checkAction(Fields.required("target", target));
        ApprovalPolicies.checkPolicy(Fields.required("policy", policy));
        if (duration != null) {
            Duration d = Durations.parse("duration", duration, ApprovalPolicies.MAX_TEMPORARY);
            if (d.isZero()) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "duration must be longer than 0; leave --for out for a lasting change",
                        java.util.Map.of("field", "duration"));
            }
            duration = Durations.format(d);
        }
        if (reason == null || reason.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "changing an approval policy needs --reason");
        }
    }

    /** How long the setting lasts; null for good. */
    public Duration lifetime() {
        return duration == null ? null : Durations.parse(duration);
    }

    /** Whether this change runs at once what {@code current} sends to a second operator. */
    public boolean lowers(String current) {
        return ApprovalPolicies.AUTO.equals(policy) && ApprovalPolicies.REQUIRE_APPROVAL.equals(current);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.setApprovalPolicy(this);
    }
}
