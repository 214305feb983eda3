package dev.entente.ca.jws;

import com.fasterxml.jackson.databind.JsonNode;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Optional;

/**
 * The hub's token-signing keys as the token kinds see them: the key new tokens are signed with,
 * and every key a token may name by {@code kid}, current or retired. A retired key no longer
 * verifies anything; it is kept so that a token it signed is refused as "signed by a retired key"
 * ({@link #retiredSigner}), which tells the holder to get a new token, rather than as a forgery.
 */
public interface TokenKeySource {
    /** The key new tokens are signed with. */
    SigningKey signing();

    /** The key named {@code kid}, if this hub ever had it. */
    Optional<VerifyingKey> verifying(String kid);

    /** The JWS {@code alg} of this hub's tokens: the one the signing key makes, the only one {@link EdDsaJws} then accepts. */
    default String jwsAlg() {
        return EdDsaJws.algFor(signing().privateKey());
    }

    /**
     * The signing key and its id, the {@code kid} of every token it signs.
     *
     * @param provider the provider that holds {@code privateKey} (a PKCS#11 token's), or null for a key in memory
     */
    record SigningKey(String id, PrivateKey privateKey, Provider provider) {
        public SigningKey(String id, PrivateKey privateKey) {
            this(id, privateKey, null);
        }

        @Override
        public String toString() {
            return "SigningKey[id=" + id + ", privateKey=<redacted>]";
        }
    }

    /**
     * A key a token may name.
     *
     * @param retiredAt when a rotation retired it; null while it still verifies
     */
    record VerifyingKey(String id, PublicKey publicKey, Instant retiredAt) {
        public boolean retired() {
            return retiredAt != null;
        }
    }

    /** The public key of {@code kid} while it still verifies; null for a retired or unknown key (an {@link EdDsaJws#verify} lookup). */
    default PublicKey activePublicKey(String kid) {
        return verifying(kid).filter(k -> !k.retired()).map(VerifyingKey::publicKey).orElse(null);
    }

    /**
     * The retired key that signed {@code token}, when its {@code kid} names one and the signature
     * verifies under it: a genuine token of this hub that a rotation invalidated. Empty for
     * anything else, so a forged token naming a retired key is still just a bad signature.
     */
    default Optional<VerifyingKey> retiredSigner(String token) {
        String kid;
        try {
            JsonNode node = EdDsaJws.unverifiedHeader(token).get("kid");
            kid = node == null || !node.isTextual() ? null : node.asText();
        } catch (EdDsaJws.JwsException e) {
            return Optional.empty();
        }
        Optional<VerifyingKey> key = kid == null ? Optional.empty() : verifying(kid).filter(VerifyingKey::retired);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            EdDsaJws.verify(token, EdDsaJws.algFor(key.get().publicKey()), k -> key.get().publicKey());
            return key;
        } catch (EdDsaJws.JwsException e) {
            return Optional.empty();
        }
    }

    /** One key that signs and verifies, never rotated: for tools and specs that hold a key in memory. */
    static TokenKeySource fixed(String kid, PrivateKey privateKey, PublicKey publicKey) {
        SigningKey signing = new SigningKey(kid, privateKey);
        VerifyingKey verifying = new VerifyingKey(kid, publicKey, null);
        return new TokenKeySource() {
            @Override
            public SigningKey signing() {
                return signing;
            }

            @Override
            public Optional<VerifyingKey> verifying(String id) {
                return kid.equals(id) ? Optional.of(verifying) : Optional.empty();
            }
        };
    }
}
