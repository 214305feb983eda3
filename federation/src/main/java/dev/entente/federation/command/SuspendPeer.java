package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code peers suspend}: refuse the peer's calls, keeping its trust material.
 *
 * @param peerId the peer's id
 * @param reason why (the peer lifecycle requires one)
 */
public record SuspendPeer(@JsonProperty("peer_id") String peerId, String reason) implements OperatorCommand {
    public static final String ACTION = "peer.suspend";

    public SuspendPeer {
        Fields.required("peer_id", peerId);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.suspendPeer(this);
    }
}
