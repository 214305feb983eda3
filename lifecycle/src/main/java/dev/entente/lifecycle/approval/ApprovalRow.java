package dev.entente.lifecycle.approval;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A row of {@code approvals} as Micronaut Data maps it; {@link ApprovalRepository} turns it into
 * an {@link Approval}. The version and both timestamps are the database's (column defaults on
 * insert, the lifecycle engine's transitions after that).
 */
@MappedEntity("approvals")
public record ApprovalRow(@Id UUID id, String action, String requester, String arguments, String state,
                          @GeneratedValue @Nullable Long version, @Nullable String approver, @Nullable String reason,
                          @Nullable String result, @GeneratedValue @Nullable Instant createdAt,
                          @GeneratedValue @Nullable Instant updatedAt, Instant expiresAt, String[] requesterMintedBy,
                          @Nullable byte[] sealedSecrets, @Nullable byte[] sealedResult) {

    Approval toApproval() {
        return new Approval(id, action, requester, arguments, ApprovalState.fromValue(state), version, approver, reason,
                result, createdAt, updatedAt, expiresAt, requesterMintedBy == null ? List.of() : List.of(requesterMintedBy),
                sealedSecrets, sealedResult != null);
    }
}
