package dev.entente.federation.grant;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * One federation grant as stored: a row of {@code grants}. Its scopes and expiry change only by
 * an update or a renewal, each of which bumps {@code version}; {@link GrantAuthorizer} recompiles a
 * cached grant whose scopes or expiry differ from the row it is handed.
 *
 * @param id               the grant (also the first half of its bearer token)
 * @param peerId           the only peer that may use it
 * @param state            where it stands
 * @param version          bumped by every transition (the optimistic check)
 * @param permissionScopes what it allows (non-empty)
 * @param instanceIds      instances it covers; empty = any
 * @param networkIds       networks it covers; empty = any
 * @param sourceCidrs      source addresses it covers (canonical CIDRs, IPv4 and IPv6); empty = any
 * @param expiresAt        it stops applying at this instant ({@code now >= expires_at} is expired)
 * @param issuedBy         the operator who issued it
 * @param revokedReason    why it was revoked, when a reason was given
 * @param createdAt        when the row was created
 * @param updatedAt        when it last changed
 * @param stateSince       when it entered its current state
 * @param autoRenew        whether the worker extends it while its peer is active
 * @param maxExpiresAt     the latest expiry renewals may reach; {@code null} when it does not auto-renew
 * @param renewedCount     how many times it was extended
 * @param termStartedAt    when its current term began (issue, a new expiry, a renewal)
 */
public record Grant(UUID id, UUID peerId, GrantState state, long version, Set<Permission> permissionScopes,
                    List<String> instanceIds, List<String> networkIds, List<String> sourceCidrs,
                    Instant expiresAt, String issuedBy, String revokedReason, Instant createdAt,
                    Instant updatedAt, Instant stateSince, boolean autoRenew, Instant maxExpiresAt,
                    int renewedCount, Instant termStartedAt) {

    public Grant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(expiresAt, "expiresAt");
        permissionScopes = permissionScopes == null || permissionScopes.isEmpty()
                ? Collections.unmodifiableSet(EnumSet.noneOf(Permission.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(permissionScopes));
        instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
        networkIds = networkIds == null ? List.of() : List.copyOf(networkIds);
        sourceCidrs = sourceCidrs == null ? List.of() : List.copyOf(sourceCidrs);
    }

    /** A grant that does not auto-renew and was never renewed, its term begun at {@code createdAt}. */
    public Grant(UUID id, UUID peerId, GrantState state, long version, Set<Permission> permissionScopes,
                 List<String> instanceIds, List<String> networkIds, List<String> sourceCidrs, Instant expiresAt,
                 String issuedBy, String revokedReason, Instant createdAt, Instant updatedAt, Instant stateSince) {
        this(id, peerId, state, version, permissionScopes, instanceIds, networkIds, sourceCidrs, expiresAt, issuedBy,
                revokedReason, createdAt, updatedAt, stateSince, false, null, 0, createdAt);
    }

    /**
     * What happens at the end of the term, as {@code grants list} shows it: {@code auto until <max>}
     * while the worker will extend it, {@code lapses <expires_at>} otherwise; {@code null} once it
     * no longer applies. A suspended or degraded peer's auto-renewing grant is not extended (doctor
     * DR017 says so), which this row alone cannot tell.
     */
    public String renews() {
        if (state != GrantState.ACTIVE) {
            return null;
        }
        return autoRenew && expiresAt.isBefore(maxExpiresAt) ? "auto until " + maxExpiresAt : "lapses " + expiresAt;
    }

    /**
     * The one expiry rule, shared by the federation API ({@link GrantAuthorizer}), the
     * {@code expiry_reached} guard and the expiry job's SQL ({@code expires_at <= now}): a grant
     * is expired from the instant {@code expires_at} on, inclusive.
     */
    public static boolean isExpired(Instant expiresAt, Instant now) {
        return !now.isBefore(expiresAt);
    }

    /** Whether this grant's expiry has been reached at {@code now}, whatever its state. */
    public boolean isExpired(Instant now) {
        return isExpired(expiresAt, now);
    }

    /** The grant as JSON: its {@link View}, whichever mapper writes it. */
    @JsonValue
    public View view() {
        List<String> scopes = new ArrayList<>(permissionScopes.size());
        permissionScopes.forEach(p -> scopes.add(p.value()));
        return new View(id.toString(), peerId.toString(), state.value(), scopes, instanceIds, networkIds, sourceCidrs,
                expiresAt.toString(), autoRenew, maxExpiresAt == null ? null : maxExpiresAt.toString(), renewedCount,
                renews());
    }

    /**
     * The grant as the CLI and admin API print it (DESIGN §10), snake_case keys in this order.
     * Scopes are lower-case in the order read, write; {@code expires_at} is RFC 3339. The secret
     * digest never leaves the store. {@code renews} is {@link Grant#renews()}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record View(String id, String peerId, String state, List<String> permissionScopes, List<String> instanceIds,
                       List<String> networkIds, List<String> sourceCidrs, String expiresAt, boolean autoRenew,
                       String maxExpiresAt, int renewedCount, String renews) {
    }
}
