package dev.entente.federation.resource;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Sort;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;

/** The queries Micronaut Data writes for {@code exported_resources}; reached through {@link ResourceRepository}. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ResourceTable extends GenericRepository<ResourceRow, ResourceRow.Key> {

    Optional<ResourceRow> findById(ResourceRow.Key key);

    List<ResourceRow> findAll(Sort sort);

    int deleteById(ResourceRow.Key key);
}
