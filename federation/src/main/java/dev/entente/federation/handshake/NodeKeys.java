package dev.entente.federation.handshake;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.StoredKey;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.protocol.PeerEndpoint;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This hub's node keys, one per peer, sealed in the key store: the key whose certificate (issued
 * by the peer's CA) this hub presents when it calls that peer.
 *
 * <p>Heartbeat rounds call every peer every interval, and opening each peer's key and parsing its
 * certificate on every call was a quarter of the sender's CPU at 1,000 peers. A round therefore reads
 * the sealed rows of all its peers' keys in one query ({@link #forRound}) and reuses what an
 * earlier round opened and parsed for a peer while the peer row's key id and certificate and the
 * key's sealed bytes are the same. Both rows are read fresh for every round, on whichever replica
 * runs it, so a renewal, a re-pin, a re-enrolment, a CA rotation (all of which write the peer row
 * or the key) or a lost key is seen by the next round; a peer that left the rounds (revoked,
 * suspended) is forgotten.
 */
public final class NodeKeys {
    private final Tx tx;
    private final SealedKeyStore keys;
    private final Map<UUID, Opened> opened = new ConcurrentHashMap<>();

    /** A peer's node key and certificate as one round opened them, and the rows they came from. */
    private record Opened(String keyId, byte[] sealed, String certPem, PrivateKey key, X509Certificate cert) {
        boolean from(String keyId, byte[] sealed, String certPem) {
            return this.keyId.equals(keyId) && Arrays.equals(this.sealed, sealed) && this.certPem.equals(certPem);
        }
    }

    public NodeKeys(Tx tx, SealedKeyStore keys) {
        this.tx = tx;
        this.keys = keys;
    }

    static String purpose(UUID peerId) {
        return "node_" + peerId;
    }

    /** The active node key for {@code peerId}, if one is sealed. */
    public Optional<StoredKey> active(UUID peerId) {
        return keys.active(purpose(peerId));
    }

    /** The node key sealed for {@code peerId} by an accept that did not get to enroll, if any. */
    Optional<KeyPair> unfinished(UUID peerId) {
        return active(peerId).map(k -> new KeyPair(
                Certificates.publicKey(k.algorithm(), k.publicKey()), Certificates.privateKey(k.algorithm(), k.secret())));
    }

    /**
     * The node key of this hub's accept of {@code proposerHubId}: the one an interrupted accept
     * sealed, or a new one, sealed before the proposer sees its CSR. The proposer answers a
     * resumed accept only for the key of the first (issue 11), so a retry must bring it back.
     */
    KeyPair pendingFor(String proposerHubId) {
        String purpose = "node_pending_" + proposerHubId;
        Optional<StoredKey> sealed = keys.active(purpose);
        if (sealed.isPresent()) {
            return new KeyPair(Certificates.publicKey(sealed.get().algorithm(), sealed.get().publicKey()),
                    Certificates.privateKey(sealed.get().algorithm(), sealed.get().secret()));
        }
        KeyPair keyPair = Certificates.ed25519();
        String id = "node-pending-" + proposerHubId + "-" + Certificates.sha256Hex(keyPair.getPublic().getEncoded()).substring(0, 8);
        tx.inTransaction(c -> keys.store(c, id, purpose, SealedKeyStore.ACTIVE, "Ed25519",
                keyPair.getPublic().getEncoded(), null, null, keyPair.getPrivate().getEncoded(), null));
        return keyPair;
    }

    /** The pending key of an accept of {@code proposerHubId} has become the peer's node key. */
    void pendingDone(String proposerHubId) {
        keys.active("node_pending_" + proposerHubId).ifPresent(k -> tx.inTransaction(c -> {
            keys.setStatus(c, k.id(), SealedKeyStore.RETIRED);
            return null;
        }));
    }

    /** Seals a node key for {@code peerId}; the previous one (if any) retires. */
    public String seal(UUID peerId, KeyPair keyPair, X509Certificate cert) {
        String purpose = purpose(peerId);
        String id = "node-" + peerId + "-" + Certificates.sha256Hex(keyPair.getPublic().getEncoded()).substring(0, 8);
        tx.inTransaction(c -> {
            Optional<StoredKey> previous = keys.active(purpose);
            if (previous.isPresent()) {
                keys.setStatus(c, previous.get().id(), SealedKeyStore.RETIRED);
            }
            keys.store(c, id, purpose, SealedKeyStore.ACTIVE, "Ed25519", keyPair.getPublic().getEncoded(),
                    cert == null ? null : Certificates.toPem(cert), cert == null ? null : Certificates.fingerprint(cert),
                    keyPair.getPrivate().getEncoded(), cert == null ? null : cert.getNotAfter().toInstant());
            return null;
        });
        return id;
    }

    /** Where and as whom to call {@code peer}: its pinned fingerprints, our node certificate for it. */
    public PeerEndpoint endpoint(Peer peer) {
        requireEnrolled(peer);
        StoredKey key = keys.byId(peer.clientKeyId()).orElseThrow(() -> keyMissing(peer));
        PrivateKey privateKey = Certificates.privateKey(key.algorithm(), key.secret());
        X509Certificate cert = Certificates.parsePem(peer.clientCertPem()).get(0);
        return new PeerEndpoint(peer.url(), Set.copyOf(peer.pinnedFingerprints()), privateKey, cert);
    }

    /**
     * The endpoints of one heartbeat round to {@code peers}: one read of their keys' sealed rows
     * now; {@link Round#endpoint} then opens a key and parses a certificate only when they are
     * not what an earlier round opened for that peer. Peers not in {@code peers} are forgotten.
     */
    public Round forRound(Collection<Peer> peers) {
        Set<UUID> ids = new HashSet<>();
        Set<String> keyIds = new HashSet<>();
        for (Peer p : peers) {
            ids.add(p.id());
            if (p.clientKeyId() != null) {
                keyIds.add(p.clientKeyId());
            }
        }
        opened.keySet().retainAll(ids);
        return new Round(keys.sealedSecrets(keyIds));
    }

    /** The rows one round read: see {@link #forRound}. */
    public final class Round {
        private final Map<String, byte[]> sealed;

        private Round(Map<String, byte[]> sealed) {
            this.sealed = sealed;
        }

        /** As {@link NodeKeys#endpoint}, with the same refusals, from what the round read. */
        public PeerEndpoint endpoint(Peer peer) {
            requireEnrolled(peer);
            byte[] blob = sealed.get(peer.clientKeyId());
            if (blob == null) {
                opened.remove(peer.id());
                throw keyMissing(peer);
            }
            Opened o = opened.get(peer.id());
            if (o == null || !o.from(peer.clientKeyId(), blob, peer.clientCertPem())) {
                StoredKey key = keys.byId(peer.clientKeyId()).orElseThrow(() -> keyMissing(peer));
                o = new Opened(peer.clientKeyId(), blob, peer.clientCertPem(),
                        Certificates.privateKey(key.algorithm(), key.secret()),
                        Certificates.parsePem(peer.clientCertPem()).get(0));
                opened.put(peer.id(), o);
            }
            return new PeerEndpoint(peer.url(), Set.copyOf(peer.pinnedFingerprints()), o.key(), o.cert());
        }
    }

    private static void requireEnrolled(Peer peer) {
        if (peer.clientCertPem() == null || peer.clientKeyId() == null) {
            throw new EntenteException(ErrorCode.MTLS_CONFIG_PARTIAL, "peer " + peer.id()
                    + " has no client certificate and key on this hub; it is not enrolled");
        }
    }

    private static EntenteException keyMissing(Peer peer) {
        return new EntenteException(ErrorCode.MTLS_CONFIG_PARTIAL, "peer " + peer.id() + " has a client certificate but its key "
                + peer.clientKeyId() + " is missing; relink the peer");
    }
}
