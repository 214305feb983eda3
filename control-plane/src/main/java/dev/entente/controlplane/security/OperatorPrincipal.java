package dev.entente.controlplane.security;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

/** The authenticated operator of one admin API call. */
public record OperatorPrincipal(String subject, Set<Role> roles, String tokenId, Instant expiresAt) {

    public boolean can(Permission p) {
        return roles.stream().anyMatch(r -> r.allows(p));
    }

    /** Fails with 403 {@code auth_role_forbidden} unless a role grants {@code p}. */
    public void require(Permission p) {
        if (!can(p)) {
            throw new EntenteException(ErrorCode.AUTH_ROLE_FORBIDDEN,
                    "roles " + roles.stream().map(Role::value).sorted().collect(Collectors.joining(","))
                            + " do not allow " + p.name().toLowerCase() + "; ask an admin for a token with a role that does");
        }
    }
}
