package dev.entente.federation.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What {@code entente peers token decode} shows of a token, without spending it: its claims, the
 * hub that issued it, and, when that is this hub, its key, its signature and what became of it.
 *
 * @param kind       {@code acceptance} or {@code reenrolment}
 * @param issuedHere whether this hub issued it (its {@code iss} is this hub's id)
 * @param signature  {@code valid}, {@code invalid}, or {@code not_checked} (another hub's token:
 *                   only that hub holds the key)
 * @param expired    whether its {@code exp} has passed on this hub's clock
 * @param used       whether it was spent; null when this hub cannot know (another hub's token)
 * @param replaced   whether a newer token for the same peer took its place; null when this hub cannot know
 * @param status     one word: {@code usable}, {@code used}, {@code replaced}, {@code expired},
 *                   {@code withdrawn} (its peer was revoked first), {@code key_rotated} (its
 *                   signing key was retired by a token-signing rotation), {@code signature_invalid},
 *                   or {@code not_issued_here}
 * @param peerId     the peer on this hub the token was minted for, when known
 * @param detail     the status in a sentence, with what to do
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"kind", "status", "detail", "claims", "issuer", "issued_here", "signing_key", "signature", "expired",
        "used", "replaced", "peer_id"})
public record TokenDecoding(@JsonProperty("kind") String kind,
                            @JsonProperty("status") String status,
                            @JsonProperty("detail") String detail,
                            @JsonProperty("claims") Claims claims,
                            @JsonProperty("issuer") Issuer issuer,
                            @JsonProperty("issued_here") boolean issuedHere,
                            @JsonProperty("signing_key") SigningKey signingKey,
                            @JsonProperty("signature") String signature,
                            @JsonProperty("expired") boolean expired,
                            @JsonProperty("used") Boolean used,
                            @JsonProperty("replaced") Boolean replaced,
                            @JsonProperty("peer_id") String peerId) {

    /** The claims as the token carries them; times in RFC 3339. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"iss", "sub", "aud", "jti", "url", "tls_fingerprint", "iat", "exp"})
    public record Claims(@JsonProperty("iss") String iss, @JsonProperty("sub") String sub, @JsonProperty("aud") String aud,
                         @JsonProperty("jti") String jti, @JsonProperty("url") String url,
                         @JsonProperty("tls_fingerprint") String tlsFingerprint, @JsonProperty("iat") String iat,
                         @JsonProperty("exp") String exp) {
        static Claims of(TokenClaims c) {
            return new Claims(c.issuer(), c.subject(), c.audience(), c.jti().toString(), c.url(), c.tlsFingerprint(),
                    c.issuedAt() == null ? null : c.issuedAt().toString(), c.expiresAt().toString());
        }
    }

    /**
     * The hub that issued the token.
     *
     * @param name           its name: this hub's, or the name of the peer of this hub with that hub id; null when unknown
     * @param tlsFingerprint the certificate the token says to pin when connecting to {@code url}
     * @param thisHub        whether it is this hub
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"hub_id", "name", "url", "tls_fingerprint", "this_hub"})
    public record Issuer(@JsonProperty("hub_id") String hubId, @JsonProperty("name") String name,
                         @JsonProperty("url") String url, @JsonProperty("tls_fingerprint") String tlsFingerprint,
                         @JsonProperty("this_hub") boolean thisHub) {
    }

    /**
     * The key the token names.
     *
     * @param status {@code current} (this hub signs with it now), {@code previous} (an earlier
     *               token key of this hub, still trusted for verification), {@code retired} (retired
     *               by a token-signing rotation: what it signed no longer works) or {@code unknown}
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"kid", "status"})
    public record SigningKey(@JsonProperty("kid") String kid, @JsonProperty("status") String status) {
    }
}
