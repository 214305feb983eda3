package dev.entente.federation.peer;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Sort;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The queries Micronaut Data writes for {@code peers}; reached through {@link PeerRepository}. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PeerTable extends GenericRepository<PeerRow, UUID> {

    /** The peer called {@code name} in any state but {@code state} (names are unique among live peers). */
    Optional<PeerRow> findByNameAndStateNotEqual(String name, String state);

    List<PeerRow> findAll(Sort sort);
}
