package dev.entente.federation.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.ca.jws.EdDsaJws;
import dev.entente.ca.jws.TokenKeySource;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.protocol.LocalHub;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * {@code entente peers token decode}: reads an acceptance or re-enrolment token someone handed an
 * operator, from this hub or another, and says what it is and what became of it, without spending
 * it. Every decode is audited ({@code token.decoded}) with the token's id and digest, never the token.
 */
public final class TokenInspector {
    private final LocalHub hub;
    private final PeerRepository peers;
    private final List<TokenKind> kinds;
    private final TokenKeySource keys;
    private final AuditLog audit;
    private final Clock clock;

    /** @param keys this hub's token-signing keys, current and earlier */
    public TokenInspector(LocalHub hub, PeerRepository peers, List<TokenKind> kinds, TokenKeySource keys, AuditLog audit,
                          Clock clock) {
        this.hub = hub;
        this.peers = peers;
        this.kinds = List.copyOf(kinds);
        this.keys = keys;
        this.audit = audit;
        this.clock = clock;
    }

    public TokenDecoding decode(String token, String operator) {
        if (token == null || token.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "token is required: the whole token, as it was handed to you");
        }
        String kid;
        String aud;
        try {
            JsonNode kidNode = EdDsaJws.unverifiedHeader(token).get("kid");
            kid = kidNode == null || !kidNode.isTextual() ? null : kidNode.asText();
            aud = TokenClaims.text(EdDsaJws.unverifiedClaims(token), "aud");
        } catch (EdDsaJws.JwsException e) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "this is not a token: " + e.getMessage()
                    + "; paste the whole token, three dot-separated parts, as 'entente peers propose' or "
                    + "'entente peers reenroll ID' printed it");
        }
        TokenKind kind = kinds.stream().filter(k -> k.audience().equals(aud)).findFirst().orElseThrow(() ->
                new EntenteException(ErrorCode.INVALID_REQUEST, "this token's audience is " + aud + ": it is neither an "
                        + "acceptance token nor a re-enrolment token, the kinds 'peers token decode' reads"));
        TokenClaims claims = kind.read(token.trim());
        Instant now = clock.instant();
        boolean expired = now.isAfter(claims.expiresAt());
        boolean here = hub.hubId().equals(claims.issuer());
        TokenDecoding.Issuer issuer = new TokenDecoding.Issuer(claims.issuer(),
                here ? hub.name() : peers.findByHubId(claims.issuer()).map(Peer::name).orElse(null),
                claims.url(), claims.tlsFingerprint(), here);
        TokenDecoding decoding = here ? ours(kind, token.trim(), kid, claims, issuer, expired)
                : new TokenDecoding(kind.kind(), "not_issued_here", "issued by hub " + claims.issuer()
                + (issuer.name() == null ? "" : " (" + issuer.name() + ")") + ", not by this hub: whether it is used or "
                + "replaced only that hub knows" + (expired ? "; it expired at " + claims.expiresAt() : "; use it with "
                + kind.useWith(claims)), TokenDecoding.Claims.of(claims), issuer, false,
                new TokenDecoding.SigningKey(kid, "unknown"), "not_checked", expired, null, null, null);
        peers.tx().inTransaction(c -> {
            AuditDetails details = AuditDetails.of();
            details.put("kind", kind.kind());
            details.put("jti", claims.jti().toString());
            details.put("token_sha256", HexFormat.of().formatHex(PeerLifecycle.tokenDigest(token.trim())));
            details.put("issuer", claims.issuer());
            details.put("status", decoding.status());
            return audit.append(c, AuditEvent.of(AuditEventType.TOKEN_DECODED, operator, claims.jti().toString(), details));
        });
        return decoding;
    }

    /** A token that names this hub as its issuer: its key, its signature, and its row in the kind's table. */
    private TokenDecoding ours(TokenKind kind, String token, String kid, TokenClaims claims, TokenDecoding.Issuer issuer,
                               boolean expired) {
        Optional<TokenKeySource.VerifyingKey> key = kid == null ? Optional.empty() : keys.verifying(kid);
        TokenDecoding.SigningKey keyView = new TokenDecoding.SigningKey(kid, key.map(k -> k.retired() ? "retired"
                : k.id().equals(keys.signing().id()) ? "current" : "previous").orElse("unknown"));
        boolean valid = key.isPresent() && signedBy(token, key.get());
        TokenDecoding.Claims shown = TokenDecoding.Claims.of(claims);
        if (valid && key.get().retired()) {
            return new TokenDecoding(kind.kind(), "key_rotated", "signed by this hub's key " + kid + ", which a token-signing "
                    + "key rotation retired at " + key.get().retiredAt() + ": the key is no longer current and the token no "
                    + "longer works; mint a new one", shown, issuer, true, keyView, "valid", expired, null, null, null);
        }
        if (!valid) {
            return new TokenDecoding(kind.kind(), "signature_invalid", "it names this hub as its issuer, but "
                    + (key.isEmpty() ? "its key " + kid + " is not one of this hub's token keys" : "its signature does not verify")
                    + ": this hub did not sign it as it is, and refuses it", shown, issuer, true, keyView, "invalid",
                    expired, null, null, null);
        }
        Optional<TokenTable.Entry> entry = peers.tx().read(c -> kind.table().find(c, claims.jti()));
        String peerId = entry.map(e -> e.peerId().toString()).orElse(null);
        String status;
        String detail;
        if (entry.isEmpty()) {
            status = expired ? "expired" : "replaced";
            detail = expired ? "it expired unused at " + claims.expiresAt() + "; mint a new one"
                    : "a newer token for the same peer replaced it: it no longer works; use the latest one";
        } else {
            Optional<Peer> peer = peers.find(entry.get().peerId());
            String name = peer.map(Peer::name).orElse(peerId);
            TokenTable.Entry e = entry.get();
            status = switch (e.use()) {
                case USED -> "used";
                case WITHDRAWN -> "withdrawn";
                case OUTSTANDING -> expired ? "expired" : "usable";
            };
            detail = switch (e.use()) {
                case USED -> "it was used" + (e.usedAt() == null ? "" : " at " + e.usedAt()) + " for peer " + name
                        + peer.map(p -> p.hubId() == null ? "" : " (hub " + p.hubId() + ")").orElse("")
                        + "; tokens are single use";
                case WITHDRAWN -> "peer " + name + " was revoked before the token was used: it no longer works";
                case OUTSTANDING -> expired ? "it expired unused at " + claims.expiresAt() + "; mint a new one"
                        : "not used yet, for peer " + name + "; use it with " + kind.useWith(claims)
                        + " before " + claims.expiresAt();
            };
        }
        boolean used = status.equals("used");
        return new TokenDecoding(kind.kind(), status, detail, shown, issuer, true, keyView, "valid", expired, used,
                entry.isEmpty() && !expired, peerId);
    }

    private static boolean signedBy(String token, TokenKeySource.VerifyingKey key) {
        try {
            EdDsaJws.verify(token, EdDsaJws.algFor(key.publicKey()), kid -> key.publicKey());
            return true;
        } catch (EdDsaJws.JwsException e) {
            return false;
        }
    }
}
