package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.peer.Durations;

import java.time.Duration;

/**
 * {@code grants renew ID --expires-in D}: a new term for an active grant, counted from when it
 * runs; its id and bearer token stay.
 *
 * @param grantId   the grant's id
 * @param expiresIn the new term (required, at most 365d)
 */
public record RenewGrant(@JsonProperty("grant_id") String grantId, @JsonProperty("expires_in") String expiresIn)
        implements OperatorCommand {
    public static final String ACTION = "grant.renew";

    public RenewGrant {
        Fields.required("grant_id", grantId);
        expiresIn = Durations.format(Durations.parse("expires_in", Fields.required("expires_in", expiresIn),
                GrantRepository.MAX_LIFETIME));
    }

    public Duration lifetime() {
        return Durations.parse(expiresIn);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.renewGrant(this);
    }
}
