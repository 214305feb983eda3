package dev.entente.federation.heartbeat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.protocol.FederationJson;

import java.util.Map;

/**
 * Something else heartbeats carry (the audit head a peer witnesses, DESIGN §7): its fields travel
 * beside the heartbeat's own ({@link dev.entente.federation.protocol.Heartbeat#extensions()}),
 * both ways, and the extension sees them as its own records. An extension never fails a
 * heartbeat: the sender and receiver log what it throws and carry on.
 *
 * @param <H> the record of the fields it adds to a heartbeat, read leniently (a field of the wrong type is null)
 * @param <A> the record of the fields it adds to the answer, read the same way
 */
public interface HeartbeatExtension<H, A> {
    Class<H> heartbeatFields();

    Class<A> answerFields();

    /** Once per sending round, before the first heartbeat (e.g. sign the current audit head). */
    default void beforeRound() {
    }

    /** This extension's fields in our heartbeat to {@code peer}. */
    H contribute(Peer peer);

    /** Reads this extension's fields in {@code peer}'s answer to our heartbeat. */
    void answered(Peer peer, A answer);

    /** Reads {@code peer}'s heartbeat and returns the fields to add to our answer. */
    A receive(Peer peer, H heartbeat);

    /** {@link #contribute} as the JSON fields a heartbeat carries. */
    default Map<String, JsonNode> contributeFields(Peer peer) {
        return FederationJson.fields(contribute(peer));
    }

    /** {@link #answered} from the JSON fields an answer carries. */
    default void answeredFields(Peer peer, Map<String, JsonNode> answer) {
        answered(peer, FederationJson.readFields(answer, answerFields()));
    }

    /** {@link #receive} from and to the JSON fields heartbeats carry. */
    default Map<String, JsonNode> receiveFields(Peer peer, Map<String, JsonNode> heartbeat) {
        return FederationJson.fields(receive(peer, FederationJson.readFields(heartbeat, heartbeatFields())));
    }
}
