package dev.entente.federation.approval;

import java.util.List;
import java.util.Set;

/**
 * The operator behind a request or an approval, as the two-person rule sees them.
 *
 * @param subject  who
 * @param roles    their roles' names ({@code approver} may approve)
 * @param tokenId  their token's id, to look up who issued a token older than the minting chain
 * @param mintedBy who minted their token, root first; null for a token from before the
 *                 {@code minted_by} claim
 */
public record ApprovalOperator(String subject, Set<String> roles, String tokenId, List<String> mintedBy) {
}
