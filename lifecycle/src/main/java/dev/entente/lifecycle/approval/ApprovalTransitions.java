package dev.entente.lifecycle.approval;

import dev.entente.lifecycle.engine.ContextKey;
import dev.entente.lifecycle.engine.Guard;
import dev.entente.lifecycle.engine.Transition;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.entente.lifecycle.approval.ApprovalEvent.APPROVE;
import static dev.entente.lifecycle.approval.ApprovalEvent.COMPLETE;
import static dev.entente.lifecycle.approval.ApprovalEvent.EXPIRE;
import static dev.entente.lifecycle.approval.ApprovalEvent.FAIL;
import static dev.entente.lifecycle.approval.ApprovalEvent.REJECT;
import static dev.entente.lifecycle.approval.ApprovalState.APPROVED;
import static dev.entente.lifecycle.approval.ApprovalState.EXECUTED;
import static dev.entente.lifecycle.approval.ApprovalState.EXPIRED;
import static dev.entente.lifecycle.approval.ApprovalState.FAILED;
import static dev.entente.lifecycle.approval.ApprovalState.PENDING;
import static dev.entente.lifecycle.approval.ApprovalState.REJECTED;

/**
 * The approval lifecycle's transition table, as data. Executed, failed, rejected and expired are
 * terminal: nothing leaves them.
 *
 * <pre>
 *   pending  APPROVE  → approved   [approver_not_requester, approver_has_role, not_expired]
 *   pending  REJECT   → rejected
 *   pending  EXPIRE   → expired
 *   approved COMPLETE → executed
 *   approved FAIL     → failed
 * </pre>
 */
public final class ApprovalTransitions {
    /** Context key: the operator deciding. */
    public static final ContextKey<String> APPROVER = ContextKey.named("approver");
    /** Context key: who minted the deciding operator's token, root first. */
    public static final ContextKey<List<String>> APPROVER_MINTED_BY = ContextKey.named("approver_minted_by");
    /** Context key: the deciding operator's roles. */
    public static final ContextKey<Set<String>> APPROVER_ROLES = ContextKey.named("approver_roles");
    /** Context key: the time of the decision. */
    public static final ContextKey<Instant> NOW = ContextKey.named("now");
    /** The role an approver must hold. */
    public static final String APPROVER_ROLE = "approver";

    /**
     * The two-person rule: whoever asked cannot also say yes, under another name either. An admin
     * can mint a token for any subject, so a token's {@code sub} alone proves nothing: the
     * approver is refused when the requester minted the approver's token (directly or through
     * tokens it minted: the requester is in the approver's minting chain), when the approver
     * minted the requester's token, or when the two subjects differ only in case ({@code Admin}
     * and {@code admin} are one person to this rule).
     */
    public static final Guard<ApprovalState, ApprovalEvent> APPROVER_NOT_REQUESTER = Guard.of(
            "approver_not_requester", in -> {
                String requester = in.row().string("requester");
                String approver = in.context().get(APPROVER);
                if (approver == null || same(approver, requester)) {
                    return in.refuse(ErrorCode.APPROVAL_SELF_FORBIDDEN, "operator " + approver
                            + " requested this approval and cannot approve it; ask another operator with the approver role",
                            Map.of("requester", String.valueOf(requester)));
                }
                List<String> chain = in.context().get(APPROVER_MINTED_BY);
                if (chain != null && chain.stream().anyMatch(m -> same(m, requester))) {
                    return in.refuse(ErrorCode.APPROVAL_SELF_FORBIDDEN, "operator " + approver + "'s token was minted by "
                            + requester + " (minted_by " + chain + "), who requested this approval; ask an approver "
                            + "whose token " + requester + " did not mint",
                            Map.of("requester", String.valueOf(requester), "approver_minted_by", List.copyOf(chain)));
                }
                List<String> requesterChain = in.row().strings("requester_minted_by");
                if (requesterChain.stream().anyMatch(m -> same(m, approver))) {
                    return in.refuse(ErrorCode.APPROVAL_SELF_FORBIDDEN, "operator " + approver + " minted the token of "
                            + requester + " (minted_by " + requesterChain + "), who requested this approval; ask an "
                            + "approver who did not",
                            Map.of("requester", String.valueOf(requester), "requester_minted_by", requesterChain));
                }
                return Optional.empty();
            });

    /**
     * Whether two operator subjects are one person. Local subjects differ only in case at most;
     * a sign-in identity ({@code oidc:<sub>@<issuer>}) is the provider's subject at that issuer,
     * which OpenID Connect compares exactly. Two sessions of one identity carry the same subject;
     * a local token's subject never contains {@code :}, so it is never a sign-in identity.
     */
    static boolean same(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        if (a.startsWith(SIGN_IN_PREFIX) || b.startsWith(SIGN_IN_PREFIX)) {
            return a.equals(b);
        }
        return a.equalsIgnoreCase(b);
    }

    /** What starts the subject of a sign-in session. */
    private static final String SIGN_IN_PREFIX = "oidc:";

    /** Only operators trusted to approve may approve. */
    public static final Guard<ApprovalState, ApprovalEvent> APPROVER_HAS_ROLE = Guard.of(
            "approver_has_role", in -> {
                Set<String> roles = in.context().get(APPROVER_ROLES);
                if (roles != null && roles.contains(APPROVER_ROLE)) {
                    return Optional.empty();
                }
                return in.refuse(ErrorCode.APPROVAL_ROLE_REQUIRED, "operator " + in.context().get(APPROVER)
                        + " does not hold the approver role; ask an operator who does",
                        Map.of("required_role", APPROVER_ROLE));
            });

    /**
     * A decision after the deadline does not count, even if the sweeper has not marked the
     * request expired yet: the deadline, not the sweeper's schedule, is the rule.
     */
    public static final Guard<ApprovalState, ApprovalEvent> NOT_EXPIRED = Guard.of(
            "not_expired", in -> {
                Instant expiresAt = in.row().instant("expires_at");
                if (!in.context().require(NOW).isBefore(expiresAt)) {
                    return in.refuse(ErrorCode.APPROVAL_EXPIRED, "approval " + in.id() + " expired at " + expiresAt
                            + "; request the action again", Map.of("expires_at", expiresAt.toString()));
                }
                return Optional.empty();
            });

    /** The table. */
    public static final List<Transition<ApprovalState, ApprovalEvent>> TABLE = List.of(
            Transition.guarded(PENDING, APPROVE, APPROVED,
                    Guard.allOf(APPROVER_NOT_REQUESTER, APPROVER_HAS_ROLE, NOT_EXPIRED)),
            Transition.of(PENDING, REJECT, REJECTED),
            Transition.of(PENDING, EXPIRE, EXPIRED),
            Transition.of(APPROVED, COMPLETE, EXECUTED),
            Transition.of(APPROVED, FAIL, FAILED));

    private ApprovalTransitions() {
    }
}
