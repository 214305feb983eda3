package dev.entente.ca.anchor;

import dev.entente.lifecycle.audit.AuditHead;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * A hub's signed word that its audit chain had {@code head} at {@code at}: what the hub writes to
 * {@code <data-dir>/audit-head.json} and what its heartbeats carry to peers. {@code key} is the
 * signer's Ed25519 public key (SPKI), carried so a peer can pin it; the signature covers
 * everything but the key.
 */
public record HeadStatement(String hubId, AuditHead head, Instant at, byte[] key, byte[] signature) {
    static final String DOMAIN = "entente.audit-head.v1";
    static final String WITNESS_DOMAIN = "entente.audit-witness.v1";

    public HeadStatement {
        if (hubId == null || head == null || at == null || key == null || signature == null) {
            throw new IllegalArgumentException("a head statement needs hub_id, seq, hmac, at, key and sig");
        }
        key = key.clone();
        signature = signature.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** True when the signature verifies under {@code signer} (which need not be {@link #key()}). */
    public boolean verifiesUnder(PublicKey signer) {
        return AnchorKey.verify(signer, signedBytes(), signature);
    }

    /** True when {@code countersig} is {@code witnessHubId}'s countersignature of this statement under {@code witnessKey}. */
    public boolean countersignedBy(String witnessHubId, PublicKey witnessKey, byte[] countersig) {
        return AnchorKey.verify(witnessKey, witnessBytes(witnessHubId), countersig);
    }

    /** Same hub, head, time and signature: the statement a cache already checked. */
    public boolean sameAs(HeadStatement o) {
        return o != null && hubId.equals(o.hubId) && head.sameAs(o.head) && at.equals(o.at)
                && Arrays.equals(signature, o.signature) && Arrays.equals(key, o.key);
    }

    byte[] signedBytes() {
        // Fields with no delimiter games: hub ids, decimal seqs, hex and ISO instants contain no '|'.
        return String.join("|", DOMAIN, hubId, Long.toString(head.seq()), head.hmacHex(), at.toString())
                .getBytes(StandardCharsets.UTF_8);
    }

    byte[] witnessBytes(String witnessHubId) {
        return String.join("|", WITNESS_DOMAIN, witnessHubId, hubId, Long.toString(head.seq()), head.hmacHex(),
                at.toString(), Base64.getEncoder().encodeToString(signature)).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sign(java.security.PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an audit head with Ed25519", e);
        }
    }
}
