package dev.entente.lifecycle.approval;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Sort;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The queries Micronaut Data writes for {@code approvals}; reached through {@link ApprovalRepository}. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ApprovalTable extends GenericRepository<ApprovalRow, UUID> {

    ApprovalRow save(ApprovalRow row);

    Optional<ApprovalRow> findById(UUID id);

    List<ApprovalRow> findByState(String state, Sort sort);
}
