package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code peers resume}: accept a suspended peer's calls again.
 *
 * @param peerId the peer's id
 */
public record ResumePeer(@JsonProperty("peer_id") String peerId) implements OperatorCommand {
    public static final String ACTION = "peer.resume";

    public ResumePeer {
        Fields.required("peer_id", peerId);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.resumePeer(this);
    }
}
