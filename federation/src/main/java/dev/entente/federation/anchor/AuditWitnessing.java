package dev.entente.federation.anchor;

import dev.entente.ca.anchor.AnchorKey;
import dev.entente.ca.anchor.HeadStatement;
import dev.entente.federation.anchor.AuditHeartbeatFields.Continuity;
import dev.entente.federation.anchor.AuditWitnessFields.Witness;
import dev.entente.federation.peer.Peer;
import dev.entente.lifecycle.audit.AnchoredHead;
import dev.entente.lifecycle.audit.AuditHead;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Peers witness each other's audit heads over heartbeats (issue 11). The only writer of
 * {@code peer_audit_heads} (what this hub witnessed of peers) and {@code audit_witnesses} (what
 * peers witnessed of this hub).
 *
 * <p>Sender: every heartbeat carries {@code audit_head}, this hub's signed head, and
 * {@code audit_continuity}, the HMAC this hub's chain holds at the seq the peer last said it
 * witnessed. Receiver: checks the head's signature under the key it pinned for the peer, moves its
 * record of the peer's head forward only when the continuity proof matches the head it holds (so a
 * cut and re-grown chain never replaces the evidence), and answers {@code audit_witness}: the
 * highest head of the sender it holds, signed by the sender, with its countersignature. The sender
 * keeps that answer; {@code audit verify} compares the chain with it. A DB attacker who deletes the
 * answer gets it back on the next heartbeat.
 *
 * <p>Cost: a head is verified, stored and countersigned only when it changes; a repeated head is
 * answered from memory, so a quiet heartbeat does no crypto and no SQL here.
 */
public final class AuditWitnessing {
    private static final Logger LOG = LoggerFactory.getLogger(AuditWitnessing.class);
    private static final HexFormat HEX = HexFormat.of();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    private final Tx tx;
    private final AuditLog audit;
    private final AuditAnchor anchor;
    private final String hubId;
    private final Clock clock;
    /** Receiver: the answer to the last statement each peer sent (repeats cost nothing). */
    private final Map<UUID, Answer> answers = new ConcurrentHashMap<>();
    /** When this hub's database was last restored from a backup (read once: restores happen offline). */
    private volatile Optional<Instant> restoredAt;
    /** Sender: the seq each peer last said it witnessed of this hub, for the continuity proof. */
    private final Map<UUID, Long> witnessedSeq = new ConcurrentHashMap<>();

    private record Answer(HeadStatement incoming, Continuity continuity, Witness witness) {
    }

    /** A peer's head as {@code peer_audit_heads} holds it. */
    private record Held(byte[] key, HeadStatement statement) {
    }

    public AuditWitnessing(Tx tx, AuditLog audit, AuditAnchor anchor, String hubId, Clock clock) {
        this.tx = tx;
        this.audit = audit;
        this.anchor = anchor;
        this.hubId = hubId;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- sender

    /** This hub's signed head and the continuity proof for {@code peer}, for a heartbeat to it. */
    public AuditHeartbeatFields fieldsFor(Peer peer) {
        SignedHead head = SignedHead.of(anchor.current());
        String restored = restoredAt().map(Instant::toString).orElse(null);
        Long seq = witnessedSeq.computeIfAbsent(peer.id(), id -> storedWitnessSeq(id).orElse(null));
        if (seq == null) {
            return new AuditHeartbeatFields(head, restored, null);
        }
        // Read from this hub's chain, not from what the peer sent: after a cut the event is
        // missing or different, and the peer keeps the head it witnessed.
        Optional<byte[]> hmac = seq == 0 ? Optional.of(new byte[32]) : tx.read(c -> audit.hmacAt(c, seq));
        return new AuditHeartbeatFields(head, restored, new Continuity(seq, hmac.map(HEX::formatHex).orElse(null)));
    }

    /**
     * Keeps a peer's {@code audit_witness} answer: the head of this hub it holds must be this hub's
     * own signed statement, and the countersignature must verify under the peer's pinned key.
     * Anything else is logged and dropped; the heartbeat itself has succeeded already.
     */
    public void recordAnswer(Peer peer, Witness witness) {
        if (peer.hubId() == null) {
            return;
        }
        HeadStatement held = witness.witnessed() == null ? null : witness.witnessed().statement();
        byte[] countersig = base64(witness.countersig());
        byte[] key = base64(witness.key());
        if (held == null || countersig == null || key == null || !anchor.key().isOwn(held)) {
            LOG.warn("peer {} answered an audit witness that is not a head this hub signed; ignoring it", peer.id());
            return;
        }
        tx.inTransaction(c -> {
            byte[] pinned = null;
            long storedSeq = -1;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT witness_key, seq FROM audit_witnesses WHERE peer_id = ? FOR UPDATE")) {
                ps.setObject(1, peer.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        pinned = rs.getBytes(1);
                        storedSeq = rs.getLong(2);
                    }
                }
            }
            byte[] trusted = pinned != null ? pinned : key;
            PublicKey witnessKey = AnchorKey.publicKey(trusted);
            if (!Arrays.equals(trusted, key) || !held.countersignedBy(peer.hubId(), witnessKey, countersig)) {
                LOG.warn("peer {} countersigned this hub's audit head with a key it did not pin; ignoring it", peer.id());
                return null;
            }
            witnessedSeq.put(peer.id(), held.head().seq());
            // The peer's record only moves forward along the chain; a lower seq here is older news.
            if (held.head().seq() <= storedSeq) {
                return null;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO audit_witnesses (peer_id, witness_hub_id, witness_key, seq, hmac, signed_at, signature, "
                            + "countersig, witnessed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (peer_id) DO UPDATE SET witness_hub_id = excluded.witness_hub_id, "
                            + "seq = excluded.seq, hmac = excluded.hmac, signed_at = excluded.signed_at, "
                            + "signature = excluded.signature, countersig = excluded.countersig, "
                            + "witnessed_at = excluded.witnessed_at")) {
                ps.setObject(1, peer.id());
                ps.setString(2, peer.hubId());
                ps.setBytes(3, trusted);
                ps.setLong(4, held.head().seq());
                ps.setBytes(5, held.head().hmac());
                ps.setTimestamp(6, Timestamp.from(held.at()));
                ps.setBytes(7, held.signature());
                ps.setBytes(8, countersig);
                ps.setTimestamp(9, Timestamp.from(clock.instant()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The time of the last {@code hub.restored} event on this chain: the restore rolled the chain
     * back on purpose, so heads signed before it (by this hub's earlier timeline) are superseded.
     * Only the hub's HMAC key writes a valid event, so a row forged with SQL breaks the chain instead.
     */
    public Optional<Instant> restoredAt() {
        Optional<Instant> r = restoredAt;
        if (r == null) {
            r = tx.read(c -> audit.list(c, "hub.restored", null, 1)).stream().findFirst().map(e -> e.at());
            restoredAt = r;
        }
        return r;
    }

    private Optional<Long> storedWitnessSeq(UUID peerId) {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM audit_witnesses WHERE peer_id = ?")) {
                ps.setObject(1, peerId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.<Long>empty();
                }
            }
        });
    }

    /**
     * Heads of this hub's chain that peers vouch for, as anchors for {@code audit verify}. Each
     * row's statement is re-checked as this hub's own, so a row forged with SQL cannot raise a
     * false alarm.
     */
    public List<AnchoredHead> peerAnchors() {
        return tx.read(c -> {
            List<AnchoredHead> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT witness_hub_id, seq, hmac, signed_at, signature FROM audit_witnesses ORDER BY witness_hub_id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    HeadStatement s = new HeadStatement(hubId, new AuditHead(rs.getLong(2), rs.getBytes(3)),
                            rs.getTimestamp(4).toInstant(), anchor.key().publicKey(), rs.getBytes(5));
                    if (anchor.key().isOwn(s)) {
                        out.add(new AnchoredHead(s.head(), s.at(), "peer " + rs.getString(1)));
                    }
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- receiver

    /**
     * Witnesses the head a peer's heartbeat carries and returns the {@code audit_witness} answer,
     * or {@code null} when the heartbeat carries none (a hub older than issue 11). A head that
     * does not verify under the pinned key is refused: the answer says why and holds nothing new.
     */
    public Witness witness(Peer peer, AuditHeartbeatFields heartbeat) {
        if (heartbeat.head() == null) {
            return null;
        }
        HeadStatement incoming = heartbeat.head().statement();
        Continuity continuity = heartbeat.continuity();
        Answer last = answers.get(peer.id());
        if (incoming != null && last != null && incoming.sameAs(last.incoming()) && Objects.equals(continuity, last.continuity())) {
            return last.witness();
        }
        if (incoming == null || !incoming.hubId().equals(peer.hubId())) {
            return refusal(peer, "audit_head is not a head statement of hub " + peer.hubId());
        }
        Instant restored = instant(heartbeat.restoredAt());
        Witness answer = tx.inTransaction(c -> witness(c, peer, incoming, continuity, restored));
        if (answer.refused() == null) {
            answers.put(peer.id(), new Answer(incoming, continuity, answer));
        }
        return answer;
    }

    private Witness witness(Connection c, Peer peer, HeadStatement incoming, Continuity continuity,
                            Instant restored) throws SQLException {
        Held held = held(c, peer.id());
        byte[] pinned = held != null ? held.key() : incoming.key();
        if (!Arrays.equals(pinned, incoming.key())) {
            return refusal(peer, "audit_head is signed with another key than the one pinned for hub " + peer.hubId()
                    + "; relink the peer if the hub really changed its anchor key");
        }
        if (!incoming.verifiesUnder(AnchorKey.publicKey(pinned))) {
            return refusal(peer, "audit_head signature does not verify");
        }
        HeadStatement keep = held == null ? null : held.statement();
        if (keep == null) {
            keep = incoming;
            store(c, peer.id(), pinned, incoming, true);
        } else if (incoming.head().seq() > keep.head().seq() && proves(continuity, keep.head())) {
            keep = incoming;
            store(c, peer.id(), pinned, incoming, false);
        } else if (restored != null && keep.at().isBefore(restored) && !incoming.at().isBefore(restored)) {
            // The peer was restored from a backup after we witnessed this head: its old timeline
            // is gone on purpose, and the restore event that says so is on its HMAC chain.
            LOG.info("peer {} ({}) was restored from a backup at {}; witnessing its chain from head {}",
                    peer.id(), peer.hubId(), restored, incoming.head().seq());
            keep = incoming;
            store(c, peer.id(), pinned, incoming, false);
        } else if (incoming.head().seq() < keep.head().seq()
                || (incoming.head().seq() == keep.head().seq() && !incoming.head().sameAs(keep.head()))) {
            LOG.warn("peer {} ({}) reports audit head {} but this hub witnessed {}: its chain was cut; "
                    + "keeping the witnessed head", peer.id(), peer.hubId(), incoming.head().seq(), keep.head().seq());
        }
        return new Witness(hubId, B64.encodeToString(anchor.key().publicKey()), SignedHead.of(keep),
                B64.encodeToString(anchor.key().countersign(keep)), null);
    }

    /** The peer's proof that its chain still holds {@code head}: same seq, same hmac. */
    private static boolean proves(Continuity continuity, AuditHead head) {
        if (head.seq() == 0) {
            return true;
        }
        if (continuity == null || continuity.seq() == null || continuity.hmac() == null) {
            return false;
        }
        try {
            return continuity.seq() == head.seq() && Arrays.equals(HEX.parseHex(continuity.hmac()), head.hmac());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Witness refusal(Peer peer, String why) {
        LOG.warn("refused the audit head of peer {}: {}", peer.id(), why);
        return Witness.refusal(hubId, why);
    }

    private Held held(Connection c, UUID peerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT anchor_key, seq, hmac, signed_at, signature FROM peer_audit_heads WHERE peer_id = ? FOR UPDATE")) {
            ps.setObject(1, peerId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                byte[] key = rs.getBytes(1);
                return new Held(key, new HeadStatement(peerHubId(c, peerId), new AuditHead(rs.getLong(2), rs.getBytes(3)),
                        rs.getTimestamp(4).toInstant(), key, rs.getBytes(5)));
            }
        }
    }

    private static String peerHubId(Connection c, UUID peerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT hub_id FROM peers WHERE id = ?")) {
            ps.setObject(1, peerId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private void store(Connection c, UUID peerId, byte[] key, HeadStatement s, boolean insert) throws SQLException {
        String sql = insert
                ? "INSERT INTO peer_audit_heads (anchor_key, seq, hmac, signed_at, signature, witnessed_at, peer_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)"
                : "UPDATE peer_audit_heads SET anchor_key = ?, seq = ?, hmac = ?, signed_at = ?, signature = ?, "
                + "witnessed_at = ? WHERE peer_id = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setBytes(1, key);
            ps.setLong(2, s.head().seq());
            ps.setBytes(3, s.head().hmac());
            ps.setTimestamp(4, Timestamp.from(s.at()));
            ps.setBytes(5, s.signature());
            ps.setTimestamp(6, Timestamp.from(clock.instant()));
            ps.setObject(7, peerId);
            ps.executeUpdate();
        }
    }

    private static Instant instant(String v) {
        try {
            return v == null ? null : Instant.parse(v);
        } catch (RuntimeException malformed) {
            return null;
        }
    }

    private static byte[] base64(String v) {
        if (v == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
