package dev.entente.federation.command;

/** {@code audit keys rotate}: a new key signs the audit chain from the next event on. */
public record RotateAuditKey() implements OperatorCommand {
    public static final String ACTION = "audit.key.rotate";

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.rotateAuditKey(this);
    }
}
