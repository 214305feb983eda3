package dev.entente.lifecycle.approval;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One approval request as stored.
 *
 * @param id        the request
 * @param action    what is to be done ({@code peer.revoke}, {@code ca.rotate.start})
 * @param requester the operator who asked
 * @param arguments the action's arguments as JSON
 * @param state     where the request stands
 * @param version   bumped by every transition (the optimistic check)
 * @param approver  who approved, once approved
 * @param reason    why it was rejected, once rejected
 * @param result    what the action returned (executed) or its error (failed)
 * @param createdAt when it was requested
 * @param updatedAt when it last changed
 * @param expiresAt the deadline for a decision
 * @param requesterMintedBy the requester token's minting chain, root first (empty for a root token)
 * @param sealedSecrets the secret arguments, sealed under the key vault (null when there are none)
 * @param resultSealed whether a secret result waits, sealed, for the requester to collect it
 */
public record Approval(UUID id, String action, String requester, String arguments, ApprovalState state,
                       long version, String approver, String reason, String result, Instant createdAt,
                       Instant updatedAt, Instant expiresAt, List<String> requesterMintedBy,
                       byte[] sealedSecrets, boolean resultSealed) {

    /** Whether the deadline has passed at {@code now} (whatever the stored state says). */
    public boolean isPastDeadline(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
