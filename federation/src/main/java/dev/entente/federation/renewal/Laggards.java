package dev.entente.federation.renewal;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.rotation.RotationState;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.lifecycle.db.Tx;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The peers a CA rotation waits for, described so an operator can act without looking each one
 * up: name, URL, state, last heartbeat, and the live node certificates this hub issued it with
 * the key that signed each ({@code old} or {@code new}). A laggard whose last heartbeat is old is
 * offline, not slow: its next heartbeat renews it, or the operator revokes it.
 */
public final class Laggards {
    private final PeerRepository peers;
    private final CertificateAuthority authority;
    private final Tx tx;
    private final Clock clock;

    public Laggards(PeerRepository peers, CertificateAuthority authority, Tx tx, Clock clock) {
        this.peers = peers;
        this.authority = authority;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * One laggard.
     *
     * @param peerId          the peer id (the subject of its certificates)
     * @param peer            the peer, absent when only its certificates remain
     * @param certificates    its live node certificates: serial, signer ({@code old}, {@code new}), not after
     */
    public record Laggard(String peerId, Optional<Peer> peer, List<Map<String, Object>> certificates) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peer_id", peerId);
            m.put("name", peer.map(Peer::name).orElse(null));
            m.put("url", peer.map(Peer::url).orElse(null));
            m.put("state", peer.map(p -> p.state().value()).orElse(null));
            m.put("last_heartbeat_at", peer.map(Peer::lastHeartbeatAt).map(Instant::toString).orElse(null));
            m.put("node_certs", certificates);
            return m;
        }

        /** {@code hub-b (https://..., active, serial 1f under the old key, last heartbeat 2026-...)}. */
        public String summary() {
            String certs = certificates.isEmpty() ? "no live certificate" : String.join(", ", certificates.stream()
                    .map(c -> "serial " + c.get("serial") + " under the " + c.get("signer") + " key").toList());
            return peer.map(p -> p.name() + " (" + p.url() + ", " + p.state().value() + ", " + certs + ", last heartbeat "
                    + (p.lastHeartbeatAt() == null ? "never" : p.lastHeartbeatAt().toString()) + ")")
                    .orElse(peerId + " (" + certs + ")");
        }
    }

    /** The laggards of {@code status}, in its order. */
    public List<Laggard> of(RotationLifecycle.Status status) {
        // The new key signs from update_clients to update_servers; before and in a rollback, the old one does.
        boolean newKeySigns = status.phase() == RotationState.UPDATE_CLIENTS || status.phase() == RotationState.UPDATE_SERVERS;
        String oldKey = newKeySigns ? status.standbyFingerprint() : status.activeFingerprint();
        String newKey = newKeySigns ? status.activeFingerprint() : status.standbyFingerprint();
        Instant now = clock.instant();
        List<Laggard> out = new ArrayList<>();
        for (String peerId : status.laggards()) {
            List<IssuedCertificate> issued = tx.read(c -> authority.listForPeer(c, peerId));
            List<Map<String, Object>> live = new ArrayList<>();
            for (IssuedCertificate cert : issued) {
                if (cert.isLive(now)) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("serial", cert.serial());
                    m.put("signer", cert.signerFingerprint().equals(oldKey) ? "old"
                            : cert.signerFingerprint().equals(newKey) ? "new" : "retired");
                    m.put("signer_fingerprint", cert.signerFingerprint());
                    m.put("not_after", cert.notAfter().toString());
                    live.add(m);
                }
            }
            out.add(new Laggard(peerId, peer(peerId), live));
        }
        return out;
    }

    /** The laggards of {@code status} as {@code ca status} lists them. */
    public List<Map<String, Object>> toMaps(RotationLifecycle.Status status) {
        return of(status).stream().map(Laggard::toMap).toList();
    }

    /** One line naming every laggard. */
    public String summary(RotationLifecycle.Status status) {
        return String.join("; ", of(status).stream().map(Laggard::summary).toList());
    }

    private Optional<Peer> peer(String peerId) {
        try {
            return peers.find(UUID.fromString(peerId));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
