package dev.entente.ca.anchor;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.StoredKey;
import dev.entente.lifecycle.audit.AuditHead;
import dev.entente.lifecycle.db.Tx;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The hub's audit-anchor key: one Ed25519 key (sealed, purpose {@code audit_anchor}) that signs
 * the hub's own head statements and countersigns the heads peers send it.
 *
 * <p>Why a key of its own rather than the TLS key or a per-peer node key: the TLS key rotates on
 * its own schedule and node keys are per peer and renew, while a head statement is kept for a long
 * time and is checked by the hub that signed it (when a peer hands it back) and by every peer alike.
 * Peers learn the public half from the first heartbeat that carries it and pin it: that heartbeat
 * arrives over mTLS with a node certificate the peer's own CA issued to exactly this hub at the
 * handshake, so the pin is as trustworthy as the link. A later head under another key is refused.
 */
public final class AnchorKey {
    /** The sealed_keys purpose. */
    public static final String PURPOSE = "audit_anchor";

    private final String hubId;
    private final String keyId;
    private final PrivateKey privateKey;
    private final byte[] publicKey;
    private final List<byte[]> ownKeys;

    private AnchorKey(String hubId, StoredKey active, List<byte[]> ownKeys) {
        this.hubId = hubId;
        this.keyId = active.id();
        this.privateKey = Certificates.privateKey("Ed25519", active.secret());
        this.publicKey = active.publicKey().clone();
        this.ownKeys = ownKeys;
    }

    /** The active anchor key, created on the first start of a hub that has none (a hub older than issue 11). */
    public static AnchorKey loadOrCreate(Tx tx, SealedKeyStore keys, String hubId) {
        tx.inTransaction(c -> {
            try (var ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('entente.audit.anchor'))")) {
                ps.execute();
            }
            if (keys.byPurpose(c, PURPOSE).stream().noneMatch(k -> k.status().equals(SealedKeyStore.ACTIVE))) {
                KeyPair kp = Certificates.ed25519();
                String fp = Certificates.sha256Hex(kp.getPublic().getEncoded());
                keys.store(c, "anchor-" + fp.substring(0, 16), PURPOSE, SealedKeyStore.ACTIVE, "Ed25519",
                        kp.getPublic().getEncoded(), null, fp, kp.getPrivate().getEncoded(), null);
            }
            return null;
        });
        StoredKey active = keys.active(PURPOSE).orElseThrow();
        List<byte[]> all = keys.byPurpose(PURPOSE).stream().map(StoredKey::publicKey).toList();
        return new AnchorKey(hubId, active, all);
    }

    public String keyId() {
        return keyId;
    }

    /** The public half (SPKI) peers pin. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** This hub's signed statement of {@code head} at {@code at} (truncated to millis, as JSON carries it). */
    public HeadStatement sign(AuditHead head, Instant at) {
        Instant when = at.truncatedTo(ChronoUnit.MILLIS);
        HeadStatement unsigned = new HeadStatement(hubId, head, when, publicKey, new byte[0]);
        return new HeadStatement(hubId, head, when, publicKey, HeadStatement.sign(privateKey, unsigned.signedBytes()));
    }

    /** This hub's countersignature of a peer's statement: "hub {@code hubId} witnessed it". */
    public byte[] countersign(HeadStatement peers) {
        return HeadStatement.sign(privateKey, peers.witnessBytes(hubId));
    }

    /** True when {@code s} is this hub's own statement, signed by one of its anchor keys (a peer handing it back). */
    public boolean isOwn(HeadStatement s) {
        if (!s.hubId().equals(hubId)) {
            return false;
        }
        Optional<byte[]> key = ownKeys.stream().filter(k -> Arrays.equals(k, s.key())).findFirst();
        return key.isPresent() && s.verifiesUnder(publicKey(key.get()));
    }

    /** An Ed25519 public key from its SPKI bytes; {@code null} when they are not one. */
    public static PublicKey publicKey(byte[] spki) {
        try {
            return Certificates.publicKey("Ed25519", spki);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        if (key == null || signature == null || signature.length != 64) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
