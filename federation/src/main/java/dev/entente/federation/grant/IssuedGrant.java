package dev.entente.federation.grant;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Objects;

/**
 * A grant just issued and its bearer token, the only time the token exists outside the peer that
 * receives it: the hub keeps only the SHA-256 digest of its secret.
 *
 * @param grant       the stored grant
 * @param bearerToken {@code fg-<grant-uuid>.<secret>}, to hand to the peer's operators once
 *
 * <p>As JSON ({@code grants issue --output json}, DESIGN §10): {@code {"grant": {...}, "bearer_token": "fg-..."}}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record IssuedGrant(Grant grant, String bearerToken) {

    public IssuedGrant {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(bearerToken, "bearerToken");
    }

    /** Keeps the token out of logs and exception messages. */
    @Override
    public String toString() {
        return "IssuedGrant[grant=" + grant.id() + ", bearerToken=fg-" + grant.id() + ".<redacted>]";
    }
}
