package dev.entente.federation.resource;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;

import java.time.Instant;

/**
 * A row of {@code exported_resources} as Micronaut Data maps it; {@link ResourceRepository} turns
 * it into a {@link Resource}. {@code attributes} is the jsonb column's text, parsed by the
 * repository: Data only reads these rows (it cannot say the upsert that writes them).
 */
@MappedEntity("exported_resources")
public record ResourceRow(@EmbeddedId Key key, @Nullable String instanceId, @Nullable String networkId,
                          String attributes, Instant createdAt, Instant updatedAt) {

    /** The primary key {@code (kind, name)}. */
    @Embeddable
    public record Key(@MappedProperty("kind") String kind, @MappedProperty("name") String name) {
    }
}
