package dev.entente.federation.grant

import dev.entente.federation.peer.PeerFixture
import dev.entente.federation.peer.PeerLifecycle
import dev.entente.federation.peer.PeerLifecycleConfiguration
import dev.entente.federation.peer.PeerState
import groovy.sql.Sql

import java.sql.Timestamp
import java.time.Duration
import java.time.Instant

/**
 * The peer fixture's real migrated PostgreSQL (engine, audit log, clock fixed at {@link #NOW}) plus
 * the grant lifecycle, repository and authorizer, and a peer lifecycle whose REVOKE revokes the
 * peer's grants (the production wiring). One per spec; {@link #close()} in cleanupSpec.
 */
class GrantFixture implements Closeable {
    static final Instant NOW = PeerFixture.NOW

    final PeerFixture db = new PeerFixture()
    final GrantLifecycle grants = new GrantLifecycle(db.engine, db.audit)
    final GrantRepository repository = new GrantRepository(db.tx, db.data.bean(GrantTable), db.clock)
    final GrantAuthorizer authorizer = new GrantAuthorizer(repository, grants, db.clock)
    final PeerLifecycle peers = new PeerLifecycle(db.engine, grants.peerRevocationHook(),
            new PeerLifecycleConfiguration(PeerFixture.STALE_AFTER, false))
    final Sql sql = db.sql

    /** A peer in {@code state} (active by default). */
    UUID peer(PeerState state = PeerState.ACTIVE) {
        db.peerIn(state)
    }

    /**
     * Issues a grant through the repository (so it is validated and canonicalised like any other)
     * with these defaults: a new active peer, scopes read, no restrictions, expiring in a day.
     */
    IssuedGrant issue(Map args = [:]) {
        repository.issue(args.peer as UUID ?: peer(),
                (args.scopes ?: [Permission.READ]) as Set<Permission>,
                (args.instances ?: []) as List<String>, (args.networks ?: []) as List<String>,
                (args.cidrs ?: []) as List<String>,
                (args.expiresAt ?: NOW + Duration.ofDays(1)) as Instant,
                'alice')
    }

    /**
     * Inserts a grant row directly in {@code state} (a new active peer unless {@code peer_id} is
     * given, scopes read, expiring at {@code expires_at}, by default an hour ago so that the
     * expiry guard passes).
     */
    UUID grantIn(GrantState state, Map columns = [:]) {
        UUID id = UUID.randomUUID()
        Map values = [id           : id,
                      peer_id      : columns.peer_id ?: peer(),
                      state        : state.value(),
                      secret_digest: GrantTokens.digest('secret-' + id),
                      expires_at   : Timestamp.from(NOW - Duration.ofHours(1))]
        columns.findAll { it.value != null }.each { k, v -> values[k] = v instanceof Instant ? Timestamp.from(v) : v }
        sql.execute("INSERT INTO grants (${values.keySet().join(', ')}, permission_scopes) VALUES (${values.collect { '?' }.join(', ')}, ARRAY['read'])".toString(),
                values.values() as List)
        id
    }

    Map row(UUID id) {
        sql.firstRow('SELECT * FROM grants WHERE id = ?', [id]) as Map
    }

    /** Audit events about {@code subject}, oldest first. */
    List<Map> auditOf(Object subject) {
        db.auditOf(subject)
    }

    boolean auditChainVerifies() {
        db.auditChainVerifies()
    }

    @Override
    void close() {
        db.close()
    }
}
