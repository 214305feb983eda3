package dev.entente.federation.command;

import dev.entente.federation.handshake.HandshakeConfiguration;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.Durations;

import java.time.Duration;

/**
 * {@code peers propose}: a new peer, proposed, and its acceptance token.
 *
 * @param name the other hub's name on this hub
 * @param ttl  the token's lifetime ({@code 7d}); null for the hub's default
 */
public record ProposePeer(String name, String ttl) implements OperatorCommand {
    public static final String ACTION = "peer.propose";

    public ProposePeer {
        PeerRepository.validateName(Fields.required("name", name));
        ttl = TokenLifetime.normalize(ttl);
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
        return handler.proposePeer(this);
    }

    /** An acceptance token's lifetime as a request names it: bounded, in its shortest form. */
    static final class TokenLifetime {
        private TokenLifetime() {
        }

        static String normalize(String ttl) {
            return ttl == null ? null : Durations.format(Durations.parse("ttl", ttl, HandshakeConfiguration.MAX_TOKEN_TTL));
        }
    }
}
