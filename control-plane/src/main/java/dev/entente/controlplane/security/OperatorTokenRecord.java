package dev.entente.controlplane.security;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.UUID;

/**
 * What the hub keeps of an operator token it issued; never the token itself. Times are ISO-8601
 * instants, as everywhere in the admin API.
 *
 * @param id           the token's {@code jti}
 * @param issuedBy     the admin who minted it, or {@code system:hub} for {@code admin.token}
 * @param mintedBy     its minting chain, root first
 * @param lastUsedAt   when it last authenticated a call, to within a minute; null if never
 * @param revokedAt    when it was revoked; null while it is not
 * @param revokedBy    who revoked it
 * @param revokeReason why, in the revoker's words
 */
public record OperatorTokenRecord(UUID id, String subject, List<String> roles,
                                  @JsonProperty("issued_by") String issuedBy,
                                  @JsonProperty("issued_at") String issuedAt,
                                  @JsonProperty("expires_at") String expiresAt,
                                  @JsonProperty("minted_by") List<String> mintedBy,
                                  @JsonProperty("last_used_at") String lastUsedAt,
                                  @JsonProperty("revoked_at") String revokedAt,
                                  @JsonProperty("revoked_by") String revokedBy,
                                  @JsonProperty("revoke_reason") String revokeReason) {
}
