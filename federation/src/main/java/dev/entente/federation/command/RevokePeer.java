package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

/**
 * {@code peers revoke}: end the link for good.
 *
 * @param peerId the peer's id
 * @param reason why; required
 */
public record RevokePeer(@JsonProperty("peer_id") String peerId, String reason) implements OperatorCommand {
    public static final String ACTION = "peer.revoke";

    public RevokePeer {
        Fields.required("peer_id", peerId);
        if (reason == null || reason.isBlank()) {
            throw new EntenteException(ErrorCode.PEER_REASON_REQUIRED, "revoking a peer needs --reason");
        }
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.revokePeer(this);
    }
}
