package dev.entente.federation.renewal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
import java.util.List;
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
     * One laggard, as {@code ca status} lists it under {@code laggard_peers}: the peer's name, URL,
     * state and last heartbeat are null when only its certificates remain.
     *
     * @param nodeCerts its live node certificates
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"peer_id", "name", "url", "state", "last_heartbeat_at", "node_certs"})
    public record Laggard(@JsonProperty("peer_id") String peerId, @JsonProperty("name") String name,
                          @JsonProperty("url") String url, @JsonProperty("state") String state,
                          @JsonProperty("last_heartbeat_at") String lastHeartbeatAt,
                          @JsonProperty("node_certs") List<LiveCertificate> nodeCerts) {
        static Laggard of(String peerId, Optional<Peer> peer, List<LiveCertificate> certificates) {
            return new Laggard(peerId, peer.map(Peer::name).orElse(null), peer.map(Peer::url).orElse(null),
                    peer.map(p -> p.state().value()).orElse(null),
                    peer.map(Peer::lastHeartbeatAt).map(Instant::toString).orElse(null), certificates);
        }

        /** {@code hub-b (https://..., active, serial 1f under the old key, last heartbeat 2026-...)}. */
        public String summary() {
            String certs = nodeCerts.isEmpty() ? "no live certificate" : String.join(", ", nodeCerts.stream()
                    .map(c -> "serial " + c.serial() + " under the " + c.signer() + " key").toList());
            return name == null ? peerId + " (" + certs + ")"
                    : name + " (" + url + ", " + state + ", " + certs + ", last heartbeat "
                    + (lastHeartbeatAt == null ? "never" : lastHeartbeatAt) + ")";
        }
    }

    /**
     * A laggard's live node certificate.
     *
     * @param signer {@code old}, {@code new}, or {@code retired} for a key no longer in the rotation
     */
    @JsonPropertyOrder({"serial", "signer", "signer_fingerprint", "not_after"})
    public record LiveCertificate(@JsonProperty("serial") String serial, @JsonProperty("signer") String signer,
                                  @JsonProperty("signer_fingerprint") String signerFingerprint,
                                  @JsonProperty("not_after") String notAfter) {
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
            List<LiveCertificate> live = new ArrayList<>();
            for (IssuedCertificate cert : issued) {
                if (cert.isLive(now)) {
                    live.add(new LiveCertificate(cert.serial(), cert.signerFingerprint().equals(oldKey) ? "old"
                            : cert.signerFingerprint().equals(newKey) ? "new" : "retired",
                            cert.signerFingerprint(), cert.notAfter().toString()));
                }
            }
            out.add(Laggard.of(peerId, peer(peerId), live));
        }
        return out;
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
