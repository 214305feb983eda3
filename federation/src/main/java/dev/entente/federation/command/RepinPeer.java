package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.Locale;

/**
 * {@code peers repin}: pin a new TLS fingerprint for the peer.
 *
 * @param peerId      the peer's id
 * @param fingerprint the SHA-256 of the peer's TLS certificate; colons and case are normalized away
 */
public record RepinPeer(@JsonProperty("peer_id") String peerId, String fingerprint) implements OperatorCommand {
    public static final String ACTION = "peer.repin";

    public RepinPeer {
        Fields.required("peer_id", peerId);
        fingerprint = Fields.required("fingerprint", fingerprint).toLowerCase(Locale.ROOT).replace(":", "");
        if (!fingerprint.matches("[0-9a-f]{64}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "fingerprint must be the SHA-256 of the peer's certificate: 64 hex digits");
        }
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.repinPeer(this);
    }
}
