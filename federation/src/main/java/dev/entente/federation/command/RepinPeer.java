package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.ca.crypto.Certificates;

/**
 * {@code peers repin}: pin a new TLS fingerprint for the peer.
 *
 * @param peerId      the peer's id
 * @param fingerprint the SHA-256 of the peer's TLS certificate; colons, case and a {@code sha256:} prefix are normalised away
 */
public record RepinPeer(@JsonProperty("peer_id") String peerId, String fingerprint) implements OperatorCommand {
    public static final String ACTION = "peer.repin";

    public RepinPeer {
        Fields.required("peer_id", peerId);
        fingerprint = Certificates.normaliseFingerprint("fingerprint", Fields.required("fingerprint", fingerprint));
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
