package dev.entente.controlplane.security;

import dev.entente.controlplane.security.oidc.OidcIdentity;
import dev.entente.federation.approval.ApprovalOperator;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The authenticated operator of one admin API call.
 *
 * @param mintedBy who minted the token, root first (the minter's chain plus the minter), from its
 *                 signed {@code minted_by} claim; empty for {@code admin.token}; {@code null} for a
 *                 token issued before the claim existed (the hub's record of its issuer stands in)
 */
public record OperatorPrincipal(String subject, Set<Role> roles, String tokenId, Instant expiresAt,
                                List<String> mintedBy) {

    public OperatorPrincipal(String subject, Set<Role> roles, String tokenId, Instant expiresAt) {
        this(subject, roles, tokenId, expiresAt, List.of());
    }

    /** Whether this is a sign-in session ({@code entente login}) rather than a local token. */
    public boolean session() {
        return OidcIdentity.isSession(subject);
    }

    /** Whether this is the hub's own root token ({@code admin.token}): nobody minted it. */
    public boolean root() {
        return !session() && mintedBy != null && mintedBy.isEmpty();
    }

    /** This operator as the two-person rule sees them. */
    public ApprovalOperator approvalOperator() {
        return new ApprovalOperator(subject, roles.stream().map(Role::value).collect(Collectors.toSet()), tokenId, mintedBy);
    }
}
