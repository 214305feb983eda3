package dev.entente.federation.heartbeat;

import dev.entente.federation.peer.Peer;

import java.util.Map;

/**
 * Something else heartbeats carry (the audit head a peer witnesses, DESIGN §7): its fields travel
 * in {@link dev.entente.federation.protocol.Heartbeat#extensions()}, both ways. An extension never
 * fails a heartbeat: the sender and receiver log what it throws and carry on.
 */
public interface HeartbeatExtension {
    /** Once per sending round, before the first heartbeat (e.g. sign the current audit head). */
    default void beforeRound() {
    }

    /** Adds this extension's fields to our heartbeat to {@code peer}. */
    void contribute(Peer peer, Map<String, Object> extensions);

    /** Reads this extension's fields in {@code peer}'s answer to our heartbeat. */
    void answered(Peer peer, Map<String, Object> answerExtensions);

    /** Reads {@code peer}'s heartbeat fields and returns the fields to add to our answer (empty for none). */
    Map<String, Object> receive(Peer peer, Map<String, Object> extensions);

    /** Heartbeats that carry nothing else. */
    HeartbeatExtension NONE = new HeartbeatExtension() {
        @Override
        public void contribute(Peer peer, Map<String, Object> extensions) {
        }

        @Override
        public void answered(Peer peer, Map<String, Object> answerExtensions) {
        }

        @Override
        public Map<String, Object> receive(Peer peer, Map<String, Object> extensions) {
            return Map.of();
        }
    };
}
