package dev.entente.federation.grant;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.GeneratedValue;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A row of {@code grants} as Micronaut Data maps it; {@link GrantRepository} turns it into a
 * {@link Grant} and its secret digest. The version and the three timestamps are the database's
 * (column defaults on insert, the lifecycle engine's transitions after that).
 */
@MappedEntity("grants")
public record GrantRow(@Id UUID id, UUID peerId, String state, @GeneratedValue @Nullable Long version,
                       String[] permissionScopes, String[] instanceIds, String[] networkIds, String[] sourceCidrs,
                       byte[] secretDigest, Instant expiresAt, @Nullable String issuedBy, @Nullable String revokedReason,
                       @GeneratedValue @Nullable Instant createdAt, @GeneratedValue @Nullable Instant updatedAt,
                       @GeneratedValue @Nullable Instant stateSince, boolean autoRenew, @Nullable Instant maxExpiresAt,
                       int renewedCount, Instant termStartedAt) {

    GrantRepository.Stored toStored() {
        Set<Permission> scopes = EnumSet.noneOf(Permission.class);
        for (String s : permissionScopes) {
            scopes.add(Permission.fromValue(s));
        }
        Grant grant = new Grant(id, peerId, GrantState.fromValue(state), version, scopes, list(instanceIds),
                list(networkIds), list(sourceCidrs), expiresAt, issuedBy, revokedReason, createdAt, updatedAt, stateSince,
                autoRenew, maxExpiresAt, renewedCount, termStartedAt);
        return new GrantRepository.Stored(grant, secretDigest);
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
