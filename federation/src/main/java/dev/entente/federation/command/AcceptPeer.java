package dev.entente.federation.command;

/**
 * {@code peers accept}: this hub accepts another hub's proposal, calling it over HTTPS.
 *
 * @param token the acceptance token the other hub's operator handed over (a secret: sealed while
 *              an approval request holds it)
 * @param name  the other hub's name on this hub; null for its own name
 */
public record AcceptPeer(String token, String name) implements RedeemsToken {
    public static final String ACTION = "peer.accept";

    public AcceptPeer {
        Fields.required("token", token);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.acceptPeer(this);
    }

    // The token is a credential: it stays out of logs and exception messages.
    @Override
    public String toString() {
        return "AcceptPeer[token=(redacted), name=" + name + "]";
    }
}
