package dev.entente.federation.grant;

import dev.entente.lifecycle.engine.ContextKey;
import dev.entente.lifecycle.engine.Guard;
import dev.entente.lifecycle.engine.Transition;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.entente.federation.grant.GrantEvent.EXPIRE;
import static dev.entente.federation.grant.GrantEvent.RENEW;
import static dev.entente.federation.grant.GrantEvent.REVOKE;
import static dev.entente.federation.grant.GrantEvent.UPDATE;
import static dev.entente.federation.grant.GrantState.ACTIVE;
import static dev.entente.federation.grant.GrantState.EXPIRED;
import static dev.entente.federation.grant.GrantState.REVOKED;

/**
 * The grant lifecycle's transition table (DESIGN §3), as data. Expired and revoked are terminal.
 *
 * <pre>
 *   active  EXPIRE  → expired   [expiry_reached]
 *   active  REVOKE  → revoked
 *   active  UPDATE  → active    [before_expiry]   scopes, expiry, auto-renewal
 *   active  RENEW   → active    [before_expiry]   a new term from now
 * </pre>
 *
 * <p>UPDATE and RENEW keep the state (internal transitions: saved, version bumped, audited as
 * {@code grant.active} with the event); an expired or revoked grant refuses them with
 * {@code transition_rejected}. The worker's auto-renewal is set-based ({@link GrantLifecycle#renewDue})
 * and recorded as {@code grant.renewed}.
 *
 * <p>A grant is born active: the two-person rule holds the request, not the grant (see
 * {@link GrantState}). Guards only read the row and the context; what a move writes is in
 * {@link GrantLifecycle}'s effects.
 */
public final class GrantTransitions {
    /** Context key: the time of the event. */
    public static final ContextKey<Instant> NOW = ContextKey.named("now");

    /**
     * A single {@link GrantLifecycle#expire} re-checks {@code expires_at} against the row it is
     * about to change: an early call (a skewed replica, a hand-run job) must not cut a grant short.
     * The rule is the one the federation API enforces, {@code now >= expires_at}
     * ({@link Grant#isExpired}), and the expiry job's SQL ({@code expires_at <= ?}).
     */
    public static final Guard<GrantState, GrantEvent> EXPIRY_REACHED = Guard.of("expiry_reached", in -> {
        Instant expiresAt = in.row().instant("expires_at");
        Instant now = in.context().require(NOW);
        if (Grant.isExpired(expiresAt, now)) {
            return Optional.empty();
        }
        return in.refuse(ErrorCode.GRANT_NOT_EXPIRED, "grant " + in.id() + " expires at " + expiresAt + ", after "
                + now + "; it stays active until then", Map.of("expires_at", String.valueOf(expiresAt)));
    });

    /**
     * An update or renewal needs a grant that still applies: one past {@code expires_at} that the
     * expiry job has not moved yet is refused as an expired grant would be, and needs a new grant.
     */
    public static final Guard<GrantState, GrantEvent> BEFORE_EXPIRY = Guard.of("before_expiry", in -> {
        Instant expiresAt = in.row().instant("expires_at");
        Instant now = in.context().require(NOW);
        if (!Grant.isExpired(expiresAt, now)) {
            return Optional.empty();
        }
        return in.refuse(ErrorCode.TRANSITION_REJECTED, "cannot change grant " + in.id() + ": it expired at " + expiresAt
                + "; allowed from expired: none; issue a new grant", Map.of("expires_at", String.valueOf(expiresAt)));
    });

    /** The table. */
    public static final List<Transition<GrantState, GrantEvent>> TABLE = List.of(
            Transition.guarded(ACTIVE, EXPIRE, EXPIRED, EXPIRY_REACHED),
            // No reason is required (the CLI's `grants revoke ID` has none): a grant is not an
            // incident the way a peer revocation is; the reason is recorded when given.
            Transition.of(ACTIVE, REVOKE, REVOKED),
            Transition.internal(ACTIVE, UPDATE, BEFORE_EXPIRY),
            Transition.internal(ACTIVE, RENEW, BEFORE_EXPIRY));

    private GrantTransitions() {
    }
}
