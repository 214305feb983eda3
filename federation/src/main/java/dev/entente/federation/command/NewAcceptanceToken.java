package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.federation.peer.Durations;

import java.time.Duration;

/**
 * {@code peers token}: a new acceptance token for a proposed peer; the old one stops working.
 *
 * @param peerId the peer's id
 * @param ttl    the token's lifetime; null for the hub's default
 */
public record NewAcceptanceToken(@JsonProperty("peer_id") String peerId, String ttl) implements OperatorCommand {
    public static final String ACTION = "peer.token";

    public NewAcceptanceToken {
        Fields.required("peer_id", peerId);
        ttl = ProposePeer.TokenLifetime.normalize(ttl);
    }

    /** The token's lifetime, or {@code defaultTtl} when the request named none. */
    public Duration lifetime(Duration defaultTtl) {
        return ttl == null ? defaultTtl : Durations.parse(ttl);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.newAcceptanceToken(this);
    }
}
