package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.federation.peer.Durations;

import java.time.Duration;
import java.util.List;

/**
 * {@code operators token issue}: an operator token, shown once. Minting an approver token is
 * gated whenever any policy requires approval (see the approval gate).
 *
 * @param subject   who the token is for
 * @param role      admin, operator, approver or viewer
 * @param expiresIn lifetime (default 30d, at most 365d)
 * @param mintedBy  the new token's minting chain: the minter's chain, then the minter; filled in
 *                  by the hub from the minter's own token, whatever the request says
 */
public record IssueOperatorToken(String subject, String role, @JsonProperty("expires_in") String expiresIn,
                                 @JsonProperty("minted_by") List<String> mintedBy) implements OperatorCommand {
    public static final String ACTION = "operator.token.issue";
    /** The roles an operator token can carry (the security layer maps each to its permissions). */
    public static final List<String> ROLES = List.of("admin", "operator", "approver", "viewer");
    /** Longest lifetime an operator token may ask for. */
    public static final Duration MAX_TTL = Duration.ofDays(365);
    private static final String DEFAULT_TTL = "30d";

    public IssueOperatorToken {
        if (subject == null || !subject.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST,
                    "subject must be 1-64 characters of letters, digits, '.', '_', '@' or '-'");
        }
        if (role == null || !ROLES.contains(role)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "role must be one of admin, operator, approver, viewer");
        }
        if (expiresIn == null) {
            expiresIn = DEFAULT_TTL;
        }
        Duration ttl = Durations.parse("expires_in", expiresIn, MAX_TTL);
        if (ttl.isZero()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "expires_in must be between 1s and 365d");
        }
        mintedBy = Fields.strings(mintedBy);
    }

    /** The same request, minted by the holder of {@code chain}. */
    public IssueOperatorToken withMintingChain(List<String> chain) {
        return new IssueOperatorToken(subject, role, expiresIn, chain);
    }

    public Duration lifetime() {
        return Durations.parse(expiresIn);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.issueOperatorToken(this);
    }
}
