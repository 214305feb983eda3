package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code grants revoke}.
 *
 * @param grantId the grant's id
 * @param reason  why; null for "revoked by" the operator
 */
public record RevokeGrant(@JsonProperty("grant_id") String grantId, String reason) implements OperatorCommand {
    public static final String ACTION = "grant.revoke";

    public RevokeGrant {
        Fields.required("grant_id", grantId);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.revokeGrant(this);
    }
}
