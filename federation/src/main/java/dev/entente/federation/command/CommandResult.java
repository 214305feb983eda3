package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.federation.approval.ApprovalPolicy;
import dev.entente.federation.grant.Grant;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.resource.Resource;

import java.util.List;

/**
 * What an operator command answers: the admin API's response body, and what an approval stores
 * once the command ran. Serialised by Jackson with the snake_case names the API has always used;
 * a peer, a grant, a resource or a CA status keeps the shape its domain type prints.
 *
 * <p>A result that carries a secret (an acceptance token, a grant's bearer token, an operator
 * token) says which in {@link #secrets()}, and {@link #redacted()} is the same result without it:
 * that is what an approval stores in clear and shows to anyone but the one it is for.
 */
public sealed interface CommandResult {
    /** What stands in for a secret in a redacted result or in an approval's arguments. */
    String REDACTED = "(redacted)";

    /** The secret part of this result; {@link CommandSecrets#NONE} when it has none. */
    default CommandSecrets secrets() {
        return CommandSecrets.NONE;
    }

    /** This result with its secrets replaced by {@value #REDACTED}. */
    default CommandResult redacted() {
        return this;
    }

    /** {@code peers propose}, {@code peers token}: the proposed peer and its acceptance token. */
    @JsonPropertyOrder({"peer", "acceptance_token"})
    record PeerProposed(@JsonIgnore Peer peer, @JsonProperty("acceptance_token") String acceptanceToken)
            implements CommandResult {
        @JsonProperty("peer")
        Peer.View peerJson() {
            return peer.view();
        }

        @Override
        public CommandSecrets secrets() {
            return new CommandSecrets(null, acceptanceToken, null, null);
        }

        @Override
        public CommandResult redacted() {
            return new PeerProposed(peer, REDACTED);
        }
    }

    /** {@code peers accept}, {@code suspend}, {@code resume}, {@code revoke}, {@code repin}: the peer afterwards. */
    record PeerChanged(@JsonIgnore Peer peer) implements CommandResult {
        @JsonProperty("peer")
        Peer.View peerJson() {
            return peer.view();
        }
    }

    /** {@code grants issue}: the grant and its bearer token, the only time the token is shown. */
    @JsonPropertyOrder({"grant", "bearer_token"})
    record GrantIssued(@JsonProperty("grant") Grant grant, @JsonProperty("bearer_token") String bearerToken)
            implements CommandResult {

        @Override
        public CommandSecrets secrets() {
            return new CommandSecrets(null, null, bearerToken, null);
        }

        @Override
        public CommandResult redacted() {
            return new GrantIssued(grant, REDACTED);
        }
    }

    /** {@code grants revoke}: the grant afterwards, its fields at the top level. */
    record GrantRevoked(@JsonValue Grant grant) implements CommandResult {
    }

    /** {@code grants update}, {@code grants renew}: the grant afterwards, its fields at the top level. */
    record GrantChanged(@JsonValue Grant grant) implements CommandResult {
    }

    /** {@code ca rotate}: the rotation's status after the move, as {@code ca status} lists it. */
    record CaRotated(@JsonIgnore RotationLifecycle.Status status) implements CommandResult {
        /** The one CA's status, in the list {@code ca status} answers. */
        @JsonProperty("ca")
        public List<RotationLifecycle.Status> ca() {
            return List.of(status);
        }
    }

    /**
     * {@code operators token issue}: the token, shown once, and what it carries.
     *
     * @param expiresAt RFC 3339
     * @param mintedBy  the token's minting chain, root first
     */
    @JsonPropertyOrder({"token", "subject", "roles", "expires_at", "minted_by"})
    record TokenMinted(@JsonProperty("token") String token, @JsonProperty("subject") String subject,
                       @JsonProperty("roles") List<String> roles, @JsonProperty("expires_at") String expiresAt,
                       @JsonProperty("minted_by") List<String> mintedBy) implements CommandResult {
        @Override
        public CommandSecrets secrets() {
            return new CommandSecrets(token, null, null, null);
        }

        @Override
        public CommandResult redacted() {
            return new TokenMinted(REDACTED, subject, roles, expiresAt, mintedBy);
        }

        // The token is a credential: it stays out of logs and exception messages.
        @Override
        public String toString() {
            return "TokenMinted[token=(redacted), subject=" + subject + ", roles=" + roles + "]";
        }
    }

    /** {@code resources put}: the resource as stored, its fields at the top level. */
    record ResourcePut(@JsonValue Resource resource) implements CommandResult {
    }

    /** {@code peers reenroll ID}: the locked-out peer and its one-time re-enrolment token, shown once. */
    @JsonPropertyOrder({"peer", "reenrolment_token", "token_expires_at"})
    record ReenrolmentTokenMinted(@JsonIgnore Peer peer, @JsonProperty("reenrolment_token") String reenrolmentToken,
                                  @JsonProperty("token_expires_at") String tokenExpiresAt) implements CommandResult {
        @JsonProperty("peer")
        Peer.View peerJson() {
            return peer.view();
        }

        @Override
        public CommandSecrets secrets() {
            return new CommandSecrets(null, null, null, reenrolmentToken);
        }

        @Override
        public CommandResult redacted() {
            return new ReenrolmentTokenMinted(peer, REDACTED, tokenExpiresAt);
        }
    }

    /** {@code approvals policy set}: the action's policy afterwards. */
    record PolicySet(@JsonProperty("policy") ApprovalPolicy policy) implements CommandResult {
    }

    /** {@code resources delete}: {@code kind/name} of the resource that went. */
    record ResourceDeleted(@JsonProperty("deleted") String deleted) implements CommandResult {
    }

    /**
     * {@code tls rotate} and {@code tls info}: the certificate the hub serves and the
     * fingerprints still accepted during the grace window (DESIGN §10).
     *
     * @param subject   the certificate's subject DN
     * @param notBefore RFC 3339
     * @param notAfter  RFC 3339
     * @param keyType     {@code Ed25519}, {@code ECDSA P-256} or {@code RSA <bits>}
     * @param mode        {@code entente.tls.mode}: {@code self-signed}, {@code custom} or {@code acme}
     * @param keyLocation where the served key lives, in words
     * @param issuer      the certificate's issuer DN (its own subject when self-signed)
     * @param tokenSigningAlg   the {@code alg} of the hub's operator, acceptance and re-enrolment tokens: {@code EdDSA},
     *                          or {@code ES256} when the token-signing key is ECDSA P-256 in a PKCS#11 token (SunPKCS11
     *                          has no Ed25519)
     * @param tokenSigningStore where the token-signing key lives: {@code sealed} or {@code pkcs11:<token label>}
     */
    @JsonPropertyOrder({"subject", "sans", "not_before", "not_after", "fingerprint", "key_type", "grace_fingerprints"})
    record TlsInfo(@JsonProperty("subject") String subject, @JsonProperty("sans") List<String> sans,
                   @JsonProperty("not_before") String notBefore, @JsonProperty("not_after") String notAfter,
                   @JsonProperty("fingerprint") String fingerprint, @JsonProperty("key_type") String keyType,
                   @JsonProperty("grace_fingerprints") List<String> graceFingerprints,
                   @JsonProperty("next_fingerprint") String nextFingerprint,
                   @JsonProperty("mode") String mode, @JsonProperty("key_location") String keyLocation,
                   @JsonProperty("issuer") String issuer,
                   @JsonProperty("browser_fingerprint") String browserFingerprint,
                   @JsonProperty("browser_spki_sha256") String browserSpkiSha256,
                   @JsonProperty("token_signing_alg") String tokenSigningAlg,
                   @JsonProperty("token_signing_store") String tokenSigningStore) implements CommandResult {
    }

    /** {@code audit rotate-key}: the new signing key's id. */
    record AuditKeyRotated(@JsonProperty("key_id") String keyId) implements CommandResult {
    }

    /**
     * {@code keys rotate}: the new key, the one it replaced, and what the rotation invalidated.
     *
     * @param invalidated the tokens that stopped working; null for a rotation that invalidates nothing (audit-hmac)
     * @param adminToken  what became of the hub's {@code admin.token}: {@code reissued}, or null when untouched
     * @param detail      the effects in a sentence, with what is left to do
     */
    @JsonPropertyOrder({"type", "key_id", "previous_key_id", "invalidated", "admin_token", "detail"})
    record KeysRotated(@JsonProperty("type") String type, @JsonProperty("key_id") String keyId,
                       @JsonProperty("previous_key_id") String previousKeyId,
                       @JsonProperty("invalidated") Invalidated invalidated,
                       @JsonProperty("admin_token") String adminToken,
                       @JsonProperty("detail") String detail) implements CommandResult {
    }

    /**
     * Tokens a token-signing rotation invalidated, counted in its transaction: unexpired and not
     * yet used or revoked.
     */
    @JsonPropertyOrder({"acceptance_tokens", "reenrolment_tokens", "operator_tokens"})
    record Invalidated(@JsonProperty("acceptance_tokens") long acceptanceTokens,
                       @JsonProperty("reenrolment_tokens") long reenrolmentTokens,
                       @JsonProperty("operator_tokens") long operatorTokens) {
    }
}
