package dev.entente.controlplane.security;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * An operator token just minted: the token route's answer, and what an approved
 * {@code operator.token.issue} hands its requester. The only place the token exists outside the
 * operator who receives it: the hub records its id, never the token.
 *
 * @param expiresAt RFC 3339
 * @param mintedBy  the minting chain, the minter last
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record MintedToken(String token, String subject, List<String> roles, String expiresAt, List<String> mintedBy) {

    /** Keeps the token out of logs and exception messages. */
    @Override
    public String toString() {
        return "MintedToken[subject=" + subject + ", roles=" + roles + ", expiresAt=" + expiresAt + ", token=<redacted>]";
    }
}
