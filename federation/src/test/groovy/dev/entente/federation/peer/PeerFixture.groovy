package dev.entente.federation.peer

import com.zaxxer.hikari.HikariDataSource
import dev.entente.lifecycle.audit.AuditKey
import dev.entente.lifecycle.audit.AuditKeyring
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.lifecycle.db.DataContext
import dev.entente.lifecycle.db.Tx
import dev.entente.lifecycle.engine.LifecycleEngine
import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql

import java.nio.charset.StandardCharsets
import java.sql.Connection
import java.sql.SQLException
import java.sql.Timestamp
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger

/**
 * A real migrated PostgreSQL database with the engine, the audit log (in-memory keyring), the peer
 * lifecycle (stale-after 5s, drill mode off, and a drill-mode twin) and the repository. One per
 * spec; {@link #close()} in cleanupSpec.
 */
class PeerFixture implements Closeable {
    static final Instant NOW = Instant.parse('2026-11-23T12:00:00Z')
    static final Duration STALE_AFTER = Duration.ofSeconds(5)
    static final String TOKEN = 'eyJhbGciOiJFZERTQSJ9.acceptance-token.signature'
    static final byte[] DIGEST = PeerLifecycle.tokenDigest(TOKEN)
    static final AuditKey KEY = new AuditKey('k1', 'entente-test-audit-key-0123456789'.getBytes(StandardCharsets.UTF_8))

    final HikariDataSource dataSource = PostgresFixture.migratedDatabase().dataSource()
    final DataContext data = DataContext.over(dataSource)
    final Tx tx = data.tx()
    final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC)
    final AuditLog audit = new AuditLog(keyring(), clock)
    final LifecycleEngine engine = new LifecycleEngine(tx, audit, clock)
    /** Every call of the revocation hook: [peerId, reason]. */
    final List<List> revoked = new CopyOnWriteArrayList<>()
    /** Set to make the next revocation hook call fail (and so the revocation roll back). */
    volatile boolean hookFails = false
    final PeerRevocationHook hook = { Connection c, UUID id, String reason ->
        if (hookFails) {
            throw new SQLException('certificate revocation failed')
        }
        revoked << [id, reason]
    } as PeerRevocationHook
    final PeerLifecycle peers = new PeerLifecycle(engine, hook, new PeerLifecycleConfiguration(STALE_AFTER, false))
    final PeerLifecycle drillPeers = new PeerLifecycle(engine, new PeerLifecycleConfiguration(STALE_AFTER, true))
    final PeerRepository repository = new PeerRepository(tx, data.bean(PeerTable))
    final Sql sql = new Sql(dataSource)
    private final AtomicInteger names = new AtomicInteger()

    static AuditKeyring keyring() {
        new AuditKeyring() {
            AuditKey current() { KEY }

            Optional<AuditKey> byId(String id) { id == KEY.id() ? Optional.of(KEY) : Optional.empty() }
        }
    }

    /**
     * Inserts a peer directly in {@code state}: the acceptance token {@link #TOKEN} outstanding
     * (expires in 7 days), and for active and degraded peers a heartbeat 1h old, so every guard of
     * the table can pass.
     */
    UUID peerIn(PeerState state, Map columns = [:]) {
        UUID id = UUID.randomUUID()
        Map values = [id               : id,
                      name             : "peer-${names.incrementAndGet()}".toString(),
                      state            : state.value(),
                      token_digest     : DIGEST,
                      token_jti        : UUID.randomUUID(),
                      token_expires_at : Timestamp.from(NOW + Duration.ofDays(7)),
                      last_heartbeat_at: state in [PeerState.ACTIVE, PeerState.DEGRADED] ? Timestamp.from(NOW - Duration.ofHours(1)) : null]
        columns.each { k, v -> values[k] = v instanceof Instant ? Timestamp.from(v) : v }
        sql.executeInsert("INSERT INTO peers (${values.keySet().join(', ')}) VALUES (${values.collect { '?' }.join(', ')})".toString(),
                values.values() as List)
        id
    }

    Map row(UUID id) {
        sql.firstRow('SELECT * FROM peers WHERE id = ?', [id]) as Map
    }

    /** Audit events about {@code subject}, oldest first. */
    List<Map> auditOf(Object subject) {
        sql.rows('SELECT * FROM audit_events WHERE subject = ? ORDER BY seq', [subject.toString()]) as List<Map>
    }

    /**
     * Audit events about {@code id}, oldest first: its own events and the bulk events (the stale
     * sweep's, subject {@code peers}) that list it among their ids.
     */
    List<Map> auditAbout(UUID id) {
        sql.rows("SELECT * FROM audit_events WHERE subject = ? OR (subject = 'peers' AND position(? IN details) > 0) ORDER BY seq",
                [id.toString(), id.toString()]) as List<Map>
    }

    /** The stale sweep's bulk audit events (type peer.degraded, subject peers), oldest first, details parsed. */
    List<Map> sweepEvents() {
        sql.rows("SELECT * FROM audit_events WHERE type = 'peer.degraded' AND subject = 'peers' ORDER BY seq").collect {
            [actor: it.actor, details: new groovy.json.JsonSlurper().parseText(it.details as String)]
        }
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
