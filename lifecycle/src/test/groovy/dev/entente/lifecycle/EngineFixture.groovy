package dev.entente.lifecycle

import com.zaxxer.hikari.HikariDataSource
import dev.entente.lifecycle.approval.ApprovalLifecycle
import dev.entente.lifecycle.approval.ApprovalRepository
import dev.entente.lifecycle.approval.ApprovalTable
import dev.entente.lifecycle.approval.ApprovalState
import dev.entente.lifecycle.audit.AuditKey
import dev.entente.lifecycle.audit.AuditKeyring
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.lifecycle.db.DataContext
import dev.entente.lifecycle.db.Tx
import dev.entente.lifecycle.engine.LifecycleEngine
import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql

import java.nio.charset.StandardCharsets
import java.sql.Timestamp
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset

/**
 * A real migrated PostgreSQL database with the engine, the audit log (in-memory keyring) and the
 * approval lifecycle wired on it. One per spec; {@link #close()} in cleanupSpec.
 */
class EngineFixture implements Closeable {
    static final Instant NOW = Instant.parse('2026-11-23T12:00:00Z')
    static final AuditKey KEY = new AuditKey('k1', 'entente-test-audit-key-0123456789'.getBytes(StandardCharsets.UTF_8))

    final HikariDataSource dataSource = PostgresFixture.migratedDatabase().dataSource()
    final DataContext data = DataContext.over(dataSource)
    final Tx tx = data.tx()
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC)
    final AuditLog audit = new AuditLog(keyring(), clock)
    final LifecycleEngine engine = new LifecycleEngine(tx, audit, clock)
    final ApprovalLifecycle approvals = new ApprovalLifecycle(engine)
    final ApprovalRepository repository = new ApprovalRepository(tx, data.bean(ApprovalTable))
    final Sql sql = new Sql(dataSource)

    static AuditKeyring keyring() {
        new AuditKeyring() {
            AuditKey current() { KEY }

            Optional<AuditKey> byId(String id) { id == KEY.id() ? Optional.of(KEY) : Optional.empty() }
        }
    }

    /** Inserts an approval requested by alice directly in {@code state}, deadline 4h after NOW. */
    UUID approvalIn(ApprovalState state, Instant expiresAt = NOW + Duration.ofHours(4)) {
        UUID id = UUID.randomUUID()
        sql.executeInsert('INSERT INTO approvals (id, action, requester, arguments, state, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
                [id, 'peer.revoke', 'alice', '{"peer":"hub_0badc0de"}', state.value(), Timestamp.from(expiresAt)])
        id
    }

    Map row(UUID id) {
        sql.firstRow('SELECT * FROM approvals WHERE id = ?', [id]) as Map
    }

    /** Audit events about {@code subject}, oldest first. */
    List<Map> auditOf(Object subject) {
        sql.rows('SELECT * FROM audit_events WHERE subject = ? ORDER BY seq', [subject.toString()]) as List<Map>
    }

    boolean auditChainVerifies() {
        tx.read { c -> audit.verify(c) }.ok()
    }

    @Override
    void close() {
        sql.close()
        data.close()
        dataSource.close()
    }
}
