package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonTypeIdResolver;

/**
 * One thing an operator asks the hub to do, validated when it is made. A controller builds it
 * from its route's request record (the record the CLI sends), and an approval request stores it
 * as JSON: the fields in snake_case and, in {@code action}, the name policies and stored approvals
 * know it by ({@code peer.propose}, {@code ca.rotate}, ...). A stored approval keeps the action in
 * its own column and the rest as its arguments (see {@link CommandJson}).
 *
 * <p>Java 17 has no pattern {@code switch}; {@link #dispatch} is its exhaustive stand-in: every
 * command calls its own {@link Handler} method, so a new command does not compile until the
 * executor handles it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.CUSTOM, include = JsonTypeInfo.As.PROPERTY, property = CommandJson.ACTION)
@JsonTypeIdResolver(CommandTypes.class)
public sealed interface OperatorCommand permits ProposePeer, RedeemsToken, NewAcceptanceToken, SuspendPeer, ResumePeer,
        RevokePeer, RepinPeer, SetPeerUrl, IssueGrant, RevokeGrant, UpdateGrant, RenewGrant, RotateCa, IssueOperatorToken,
        PutResource, DeleteResource, RotateTls, RotateAuditKey, RotateKeys, NewReenrolmentToken, SetApprovalPolicy {

    /**
     * The action's name: what a policy is set for, what an approval request records, and the
     * JSON type id (a grant's depends on its scopes).
     */
    String action();

    /**
     * The policy that decides whether it waits for approval: its {@link #action()}, unless the
     * command falls under another action's policy (an update naming write is issuing write).
     */
    default String policy() {
        return action();
    }

    /** Calls {@code handler}'s method for this command. */
    <R> R dispatch(Handler<R> handler);

    /**
     * False when running the command does what no database transaction can roll back (it calls
     * another hub, or replaces the TLS the hub serves and its files): it cannot commit together
     * with the approval that ran it, and a retry must first ask what an interrupted run already did.
     */
    default boolean transactional() {
        return true;
    }

    /** One method per command. */
    interface Handler<R> {
        R proposePeer(ProposePeer command);

        R acceptPeer(AcceptPeer command);

        R newAcceptanceToken(NewAcceptanceToken command);

        R suspendPeer(SuspendPeer command);

        R resumePeer(ResumePeer command);

        R revokePeer(RevokePeer command);

        R repinPeer(RepinPeer command);

        R setPeerUrl(SetPeerUrl command);

        R issueGrant(IssueGrant command);

        R revokeGrant(RevokeGrant command);

        R updateGrant(UpdateGrant command);

        R renewGrant(RenewGrant command);

        R rotateCa(RotateCa command);

        R issueOperatorToken(IssueOperatorToken command);

        R putResource(PutResource command);

        R deleteResource(DeleteResource command);

        R rotateTls(RotateTls command);

        R rotateAuditKey(RotateAuditKey command);

        R rotateKeys(RotateKeys command);

        R newReenrolmentToken(NewReenrolmentToken command);

        R reenrolPeer(ReenrolPeer command);

        R setApprovalPolicy(SetApprovalPolicy command);
    }
}
