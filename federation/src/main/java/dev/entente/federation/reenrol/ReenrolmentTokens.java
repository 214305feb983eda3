package dev.entente.federation.reenrol;

import dev.entente.federation.token.SingleUseTokens;
import dev.entente.federation.token.TokenClaims;
import dev.entente.federation.token.TokenKind;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Duration;
import java.time.Instant;

/**
 * Re-enrolment tokens: single-use tokens for {@value #AUDIENCE}, signed with the same key as
 * acceptance tokens, so neither kind passes for the other. Bound ({@code sub}) to the hub id of
 * the peer that may use them, {@link Reenrolment#DEFAULT_TTL} by default and at most
 * {@link Reenrolment#MAX_TTL}; their table is {@code reenrolment_tokens} ({@link ReenrolmentTokenTable}),
 * which spends them. This class says what each refusal means to the operator.
 */
public final class ReenrolmentTokens implements TokenKind {
    public static final String AUDIENCE = "entente-reenrolment";

    private final SingleUseTokens tokens;
    private final ReenrolmentTokenTable table = new ReenrolmentTokenTable();

    public ReenrolmentTokens(SingleUseTokens tokens) {
        if (!AUDIENCE.equals(tokens.audience())) {
            throw new IllegalArgumentException("re-enrolment tokens are for " + AUDIENCE + ", not " + tokens.audience());
        }
        this.tokens = tokens;
    }

    @Override
    public String kind() {
        return "reenrolment";
    }

    @Override
    public String audience() {
        return AUDIENCE;
    }

    @Override
    public ReenrolmentTokenTable table() {
        return table;
    }

    @Override
    public TokenClaims read(String token) {
        return readClaims(token);
    }

    @Override
    public String useWith(TokenClaims claims) {
        return "'entente peers reenroll --token T' on hub " + claims.subject();
    }

    public SingleUseTokens.Minted mint(String peerHubId, String url, String tlsFingerprint, Duration ttl) {
        return tokens.mint(peerHubId, url, tlsFingerprint, ttl);
    }

    /** The issuing hub's check ({@link SingleUseTokens#verify}): every refusal but expiry is {@code reenrolment_token_invalid}. */
    public TokenClaims verify(String token) {
        try {
            return tokens.verify(token);
        } catch (SingleUseTokens.Refusal r) {
            throw switch (r.reason()) {
                case MISSING -> invalid("no re-enrolment token was presented");
                case MALFORMED, ALG_FORBIDDEN, SIGNATURE_INVALID ->
                        invalid("the token is not one this hub signed (" + r.getMessage() + ")");
                case KEY_ROTATED -> new EntenteException(ErrorCode.REENROLMENT_TOKEN_KEY_ROTATED, "this re-enrolment token "
                        + "was " + r.getMessage() + ": it no longer works; ask the operator of hub " + tokens.hubId()
                        + " for a new one ('entente peers reenroll ID' there)");
                case CLAIMS_INVALID -> invalid(r.getMessage());
                case WRONG_AUDIENCE -> invalid("the token's audience is " + r.found() + ", not " + AUDIENCE
                        + ": an acceptance token links new hubs with 'entente peers accept', it does not re-enrol");
                case WRONG_ISSUER -> invalid("the token was minted by " + r.found() + ", not by this hub (" + tokens.hubId() + ")");
                case NOT_YET_VALID -> new EntenteException(ErrorCode.TOKEN_NOT_YET_VALID, r.getMessage());
                case EXPIRED -> expired(r.claims());
            };
        }
    }

    /** The locked-out hub's read: claims without the signature, enough to know where to connect and what to pin. */
    public static TokenClaims readClaims(String token) {
        try {
            return SingleUseTokens.read(token, true);
        } catch (SingleUseTokens.Refusal r) {
            throw invalid(r.getMessage() + "; paste the whole token printed by 'entente peers reenroll ID' on the other hub");
        }
    }

    /** Refuses a token past its {@code exp} plus {@code skew}. */
    static void checkExpiry(TokenClaims claims, Instant now, Duration skew) {
        try {
            SingleUseTokens.checkExpiry(claims, now, skew);
        } catch (SingleUseTokens.Refusal r) {
            throw expired(claims);
        }
    }

    private static EntenteException expired(TokenClaims c) {
        return new EntenteException(ErrorCode.REENROLMENT_TOKEN_EXPIRED, "the re-enrolment token expired at "
                + c.expiresAt() + "; ask the operator of hub " + c.issuer() + " for a new one ('entente peers reenroll ID' there)");
    }

    private static EntenteException invalid(String detail) {
        return new EntenteException(ErrorCode.REENROLMENT_TOKEN_INVALID, detail);
    }
}
