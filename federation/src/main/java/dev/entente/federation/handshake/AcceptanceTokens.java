package dev.entente.federation.handshake;

import dev.entente.federation.token.SingleUseTokens;
import dev.entente.federation.token.TokenClaims;
import dev.entente.federation.token.TokenKind;
import dev.entente.federation.token.TokenTable;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Duration;

/**
 * Acceptance tokens (DESIGN §4): single-use tokens for {@value #AUDIENCE}, minted by the
 * proposing hub and shown once, not bound to a hub ({@code sub} absent: the accepting hub is not
 * known yet), at most {@link HandshakeConfiguration#MAX_TOKEN_TTL}. Their table is {@code peers}
 * ({@link AcceptanceTokenTable}); single use is enforced by the peer lifecycle's ACCEPT, which
 * clears the stored digest. This class says what each refusal means to the operator.
 */
public final class AcceptanceTokens implements TokenKind {
    public static final String AUDIENCE = "entente-federation";

    private final SingleUseTokens tokens;
    private final AcceptanceTokenTable table = new AcceptanceTokenTable();

    public AcceptanceTokens(SingleUseTokens tokens) {
        if (!AUDIENCE.equals(tokens.audience())) {
            throw new IllegalArgumentException("acceptance tokens are for " + AUDIENCE + ", not " + tokens.audience());
        }
        this.tokens = tokens;
    }

    @Override
    public String kind() {
        return "acceptance";
    }

    @Override
    public String audience() {
        return AUDIENCE;
    }

    @Override
    public TokenTable table() {
        return table;
    }

    @Override
    public TokenClaims read(String token) {
        return readClaims(token);
    }

    @Override
    public String useWith(TokenClaims claims) {
        return "'entente peers accept --token T' on the hub that links with " + claims.issuer();
    }

    public SingleUseTokens.Minted mint(String url, String tlsFingerprint, Duration ttl) {
        return tokens.mint(null, url, tlsFingerprint, ttl);
    }

    /** The proposer's full check ({@link SingleUseTokens#verify}), each refusal with its acceptance-token code. */
    public TokenClaims verify(String token) {
        try {
            return tokens.verify(token);
        } catch (SingleUseTokens.Refusal r) {
            throw switch (r.reason()) {
                case MISSING -> new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_REQUIRED, "no acceptance token was presented");
                case MALFORMED, CLAIMS_INVALID -> new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_MALFORMED, r.getMessage());
                case ALG_FORBIDDEN -> new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_ALG_FORBIDDEN, r.getMessage());
                case SIGNATURE_INVALID -> new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_SIGNATURE_INVALID, r.getMessage());
                case KEY_ROTATED -> new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_KEY_ROTATED, "this acceptance token was "
                        + r.getMessage() + ": it no longer works; ask the proposing hub for a new one with "
                        + "'entente peers token ID'");
                case WRONG_AUDIENCE -> new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_WRONG_AUDIENCE, r.getMessage());
                case WRONG_ISSUER -> new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_WRONG_HUB, "this token was "
                        + r.getMessage() + "; accept it on the hub that proposed, or get a token from this one");
                case NOT_YET_VALID -> new EntenteException(ErrorCode.TOKEN_NOT_YET_VALID, r.getMessage());
                case EXPIRED -> expired(r.claims());
            };
        }
    }

    /**
     * The accepting hub's read: claims without the signature (it cannot verify the proposer's
     * key), refused once expired past {@code skew}. Enough to know where to connect and which
     * certificate to pin; the proposer then verifies everything.
     */
    public static TokenClaims read(String token, java.time.Instant now, Duration skew) {
        TokenClaims claims = readClaims(token);
        try {
            SingleUseTokens.checkExpiry(claims, now, skew);
        } catch (SingleUseTokens.Refusal r) {
            throw expired(claims);
        }
        return claims;
    }

    /** {@link #read(String, java.time.Instant, Duration)} without the expiry: who issued it, for an approval's checks. */
    public static TokenClaims readClaims(String token) {
        try {
            return SingleUseTokens.read(token, false);
        } catch (SingleUseTokens.Refusal r) {
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_MALFORMED, r.getMessage()
                    + "; paste the whole token printed by 'entente peers propose'");
        }
    }

    private static EntenteException expired(TokenClaims claims) {
        return new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_EXPIRED, "token expired at " + claims.expiresAt()
                + "; ask the proposing hub for a new one with 'entente peers token ID'");
    }
}
