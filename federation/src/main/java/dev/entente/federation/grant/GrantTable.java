package dev.entente.federation.grant;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Sort;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The queries Micronaut Data writes for {@code grants}; reached through {@link GrantRepository}. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface GrantTable extends GenericRepository<GrantRow, UUID> {

    GrantRow save(GrantRow row);

    Optional<GrantRow> findById(UUID id);

    List<GrantRow> findAll(Sort sort);

    List<GrantRow> findByPeerId(UUID peerId, Sort sort);
}
