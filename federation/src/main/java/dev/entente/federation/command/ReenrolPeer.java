package dev.entente.federation.command;

/**
 * {@code peers reenroll --token T}: this hub, locked out of a peer by a dead node certificate,
 * trades the peer's re-enrolment token for fresh node certificates in both directions.
 *
 * @param token the re-enrolment token the other hub's operator handed over (a secret: sealed
 *              while an approval request holds it)
 */
public record ReenrolPeer(String token) implements RedeemsToken {
    public static final String ACTION = "peer.reenroll";

    public ReenrolPeer {
        Fields.required("token", token);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.reenrolPeer(this);
    }

    // The token is a credential: it stays out of logs and exception messages.
    @Override
    public String toString() {
        return "ReenrolPeer[token=(redacted)]";
    }
}
