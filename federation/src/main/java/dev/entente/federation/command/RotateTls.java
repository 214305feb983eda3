package dev.entente.federation.command;

/**
 * {@code tls rotate}: a new key and certificate for the hub's TLS, served from the next handshake;
 * the old fingerprint stays trusted by peers for {@code entente.tls.rotation-grace}.
 */
public record RotateTls() implements OperatorCommand {
    public static final String ACTION = "tls.rotate";

    @Override
    public String action() {
        return ACTION;
    }

    // The served TLS and its files take up the new key as soon as it is stored.
    @Override
    public boolean transactional() {
        return false;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.rotateTls(this);
    }
}
