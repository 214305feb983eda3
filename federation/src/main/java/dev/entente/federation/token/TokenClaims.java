package dev.entente.federation.token;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entente.ca.jws.EdDsaJws;

import java.time.Instant;
import java.util.UUID;

/**
 * What a single-use token says. On the wire: {@code iss} (the issuing hub's id), {@code sub} (the
 * hub id of the peer a bound token is for; absent otherwise), {@code aud}, {@code jti}, {@code url}
 * and {@code tls_fingerprint} (where and under which certificate the issuing hub answers),
 * {@code iat} and {@code exp} in seconds.
 *
 * @param subject  null for a token not bound to a peer's hub (acceptance tokens)
 * @param issuedAt null when the token carries no {@code iat}
 */
public record TokenClaims(String issuer, String subject, String audience, UUID jti, String url, String tlsFingerprint,
                          Instant issuedAt, Instant expiresAt) {

    /** The claims as signed, in the order this hub has always written them. */
    public ObjectNode json() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("iss", issuer);
        if (subject != null) {
            n.put("sub", subject);
        }
        n.put("aud", audience);
        n.put("jti", jti.toString());
        n.put("url", url);
        n.put("tls_fingerprint", tlsFingerprint);
        if (issuedAt != null) {
            n.put("iat", issuedAt.getEpochSecond());
        }
        n.put("exp", expiresAt.getEpochSecond());
        return n;
    }

    /**
     * Reads a token's claims; null when a claim a token needs is missing or unusable: {@code iss},
     * {@code jti}, an https {@code url}, a SHA-256 {@code tls_fingerprint}, {@code exp}, and for a
     * {@code bound} token {@code iss} and {@code sub} as hub ids.
     */
    static TokenClaims parse(JsonNode claims, boolean bound) {
        String url = text(claims, "url");
        String fp = text(claims, "tls_fingerprint");
        String iss = text(claims, "iss");
        String sub = text(claims, "sub");
        JsonNode exp = claims.get("exp");
        JsonNode iat = claims.get("iat");
        UUID jti;
        try {
            jti = UUID.fromString(String.valueOf(text(claims, "jti")));
        } catch (IllegalArgumentException e) {
            jti = null;
        }
        boolean usable = url != null && url.startsWith("https://") && printable(url) && iss != null && printable(iss)
                && fp != null && fp.matches("[0-9a-f]{64}") && jti != null && exp != null && exp.canConvertToLong()
                && (!bound || (iss.matches("hub_[0-9a-f]{8}") && sub != null && sub.matches("hub_[0-9a-f]{8}")));
        if (!usable) {
            return null;
        }
        return new TokenClaims(iss, sub != null && printable(sub) ? sub : null, text(claims, "aud"), jti, url, fp,
                iat != null && iat.canConvertToLong() ? EdDsaJws.numericDate(iat.asLong()) : null,
                EdDsaJws.numericDate(exp.asLong()));
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** A claim that ends up in the peers table or a URL: no control characters, at most 2048 characters. */
    private static boolean printable(String s) {
        return s.length() <= 2048 && s.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f);
    }
}
