package dev.entente.federation.peer;

import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The delivery side of heartbeats (and of the handshake's step 3, which they retry): counts on
 * the peer row and an audit event only when a link's delivery changes (failed, recovered, or
 * failed for another reason).
 */
public final class HeartbeatDeliveries {
    private final PeerRepository peers;
    private final AuditLog audit;

    public HeartbeatDeliveries(PeerRepository peers, AuditLog audit) {
        this.peers = peers;
        this.audit = audit;
    }

    /**
     * Counts a delivered heartbeat; the first success after failures is a
     * {@code heartbeat.delivery_recovered} event, so {@code entente events} shows when a link healed.
     */
    public void delivered(UUID peerId) {
        delivered(List.of(peerId));
    }

    /** {@link #delivered(UUID)} for a round's worth of peers, in one transaction. */
    public void delivered(List<UUID> peerIds) {
        peers.tx().inTransaction(c -> {
            // The heartbeat coalescer's flush locks the same rows in id order; counting them in the
            // order they answered deadlocked against it at 9,000 peers.
            PeerRepository.lockInIdOrder(c, peerIds);
            for (UUID peerId : peerIds) {
                String cleared = peers.countHeartbeatSent(c, peerId);
                if (cleared != null) {
                    audit.append(c, AuditEvent.of(EventSource.HEARTBEAT, AuditEventType.HEARTBEAT_DELIVERY_RECOVERED,
                            peerId.toString(), Map.of("previous_error", cleared)));
                }
            }
            return null;
        });
    }

    /**
     * Counts a failed heartbeat; the first failure after a success (or with another error code) is
     * a {@code heartbeat.delivery_failed} event. Repeats of the same code are only counted: a peer
     * down for a day would otherwise write 2,880 identical events.
     */
    public void failed(UUID peerId, String error) {
        peers.tx().inTransaction(c -> {
            String before = peers.countHeartbeatFailed(c, peerId, error);
            if (before == null || !errorCode(error).equals(errorCode(before))) {
                AuditDetails details = AuditDetails.of("error", error).putIfPresent("previous_error", before);
                audit.append(c, AuditEvent.of(EventSource.HEARTBEAT, AuditEventType.HEARTBEAT_DELIVERY_FAILED,
                        peerId.toString(), details));
            }
            return null;
        });
    }

    private static String errorCode(String error) {
        int colon = error.indexOf(':');
        return colon < 0 ? error : error.substring(0, colon);
    }
}
