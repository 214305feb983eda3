package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.federation.peer.Durations;
import dev.entente.federation.reenrol.Reenrolment;

import java.time.Duration;

/**
 * {@code peers reenroll ID}: a one-time re-enrolment token for a linked peer whose node
 * certificate from this hub is dead; the peer's earlier unused tokens stop working.
 *
 * @param peerId the peer's id
 * @param ttl    the token's lifetime; null for one hour
 */
public record NewReenrolmentToken(@JsonProperty("peer_id") String peerId, String ttl) implements OperatorCommand {
    public static final String ACTION = "peer.reenroll_token";

    public NewReenrolmentToken {
        Fields.required("peer_id", peerId);
        ttl = ttl == null ? null : Durations.format(Durations.parse("ttl", ttl, Reenrolment.MAX_TTL));
    }

    /** The token's lifetime. */
    public Duration lifetime() {
        return ttl == null ? Reenrolment.DEFAULT_TTL : Durations.parse(ttl);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.newReenrolmentToken(this);
    }
}
