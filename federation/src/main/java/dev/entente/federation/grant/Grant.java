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
 * One federation grant as stored: a row of {@code grants}. Everything but the state columns is
 * fixed at issuance, which is why {@link GrantAuthorizer} can cache a grant's compiled form by id.
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
 */
public record Grant(UUID id, UUID peerId, GrantState state, long version, Set<Permission> permissionScopes,
                    List<String> instanceIds, List<String> networkIds, List<String> sourceCidrs,
                    Instant expiresAt, String issuedBy, String revokedReason, Instant createdAt,
                    Instant updatedAt, Instant stateSince) {

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
                expiresAt.toString());
    }

    /**
     * The grant as the CLI and admin API print it (DESIGN §10), snake_case keys in this order.
     * Scopes are lower-case in the order read, write; {@code expires_at} is RFC 3339. The secret
     * digest never leaves the store.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record View(String id, String peerId, String state, List<String> permissionScopes, List<String> instanceIds,
                       List<String> networkIds, List<String> sourceCidrs, String expiresAt) {
    }
}
