package dev.entente.ca.rotation

import dev.entente.ca.authority.CaFixture
import dev.entente.ca.vault.VaultAuditKeyring
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.lifecycle.engine.LifecycleEngine
import dev.entente.lifecycle.error.EntenteException
import groovy.sql.Sql
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Unroll

import java.time.Clock

import static dev.entente.ca.rotation.RotationEvent.*
import static dev.entente.ca.rotation.RotationState.*

/**
 * Every (phase, event) pair of the CA rotation lifecycle, through the real engine and the real
 * key moves on PostgreSQL: allowed pairs reach DESIGN §3's target and move the keys, all others
 * are rejected and change nothing.
 */
class RotationTransitionsSpec extends Specification {
    @Shared Set<List> covered = [] as Set

    @Unroll
    def "#from #event → #expected"() {
        given: 'a fresh CA driven to #from the legitimate way'
        def f = new CaFixture()
        def rotation = lifecycle(f)
        driveTo(rotation, from)
        def before = rotation.status()
        covered << [from, event]

        when:
        def outcome
        boolean changed = false
        try {
            def result = apply(rotation, event)
            outcome = result.to()
            changed = result.changed()
        } catch (EntenteException e) {
            outcome = e.code().code()
        }

        then: 'repeating a move that already happened is a no-op (no write, no audit), not an error'
        outcome == expected
        changed == moves
        if (!moves) {
            assert rotation.status() == before
        } else {
            assert rotation.status().phase() == expected
        }

        cleanup:
        f?.close()

        where:
        from                   | event    | expected                    | moves
        STANDBY                | START    | INIT                        | true
        STANDBY                | ADVANCE  | STANDBY                     | false
        STANDBY                | ROLLBACK | 'transition_rejected'       | false
        INIT                   | START    | INIT                        | false
        INIT                   | ADVANCE  | UPDATE_CLIENTS              | true
        INIT                   | ROLLBACK | RotationState.ROLLBACK      | true
        UPDATE_CLIENTS         | START    | 'transition_rejected'       | false
        UPDATE_CLIENTS         | ADVANCE  | UPDATE_SERVERS              | true
        UPDATE_CLIENTS         | ROLLBACK | RotationState.ROLLBACK      | true
        UPDATE_SERVERS         | START    | 'transition_rejected'       | false
        UPDATE_SERVERS         | ADVANCE  | STANDBY                     | true
        UPDATE_SERVERS         | ROLLBACK | RotationState.ROLLBACK      | true
        RotationState.ROLLBACK | START    | 'transition_rejected'       | false
        RotationState.ROLLBACK | ADVANCE  | STANDBY                     | true
        RotationState.ROLLBACK | ROLLBACK | RotationState.ROLLBACK      | false
    }

    def "the table above covers every phase × event"() {
        expect:
        covered == [RotationState.values(), RotationEvent.values()].combinations().collect { it as List } as Set
    }

    def "advancing out of update_clients is refused while a peer holds a certificate under the old key, unless forced"() {
        given:
        def f = new CaFixture()
        def rotation = lifecycle(f)
        f.issue('peer-old', dev.entente.ca.crypto.Certificates.csr(dev.entente.ca.crypto.Certificates.ed25519(), 'x').bytes)
        driveTo(rotation, UPDATE_CLIENTS, false)

        when:
        rotation.advance('ops', false)

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'rotation_laggards'
        e.extensions().laggards == ['peer-old']
        e.detail().contains('--force')
        rotation.status().phase() == UPDATE_CLIENTS
        rotation.status().laggards() == ['peer-old']

        when:
        def forced = rotation.advance('ops', true)

        then:
        forced.to() == UPDATE_SERVERS
        Sql.newInstance(f.ds).firstRow("SELECT forced FROM ca_rotations").forced == true

        cleanup:
        f?.close()
    }

    def "a restart mid-rotation resumes in the same phase with the same keys"() {
        given:
        def f = new CaFixture()
        def rotation = lifecycle(f)
        rotation.startRotation('ops')
        rotation.advance('ops', false)
        def before = rotation.status()

        when:
        f.restart()
        def after = lifecycle(f).status()

        then:
        after == before
        after.phase() == UPDATE_CLIENTS
        after.standbyFingerprint() != null

        cleanup:
        f?.close()
    }

    def "every move is an audit event of its own"() {
        given:
        def f = new CaFixture()
        def rotation = lifecycle(f)

        when:
        rotation.startRotation('alice')
        rotation.rollBack('alice')
        rotation.advance('alice', false)
        def types = Sql.newInstance(f.ds).rows("SELECT type, actor FROM audit_events WHERE type LIKE 'ca_rotation.%' ORDER BY seq")

        then:
        types.collect { it.type } == ['ca_rotation.init', 'ca_rotation.rollback', 'ca_rotation.standby']
        types.every { it.actor == 'alice' }

        cleanup:
        f?.close()
    }

    static RotationLifecycle lifecycle(CaFixture f) {
        def clock = Clock.systemUTC()
        def engine = new LifecycleEngine(f.tx, new AuditLog(VaultAuditKeyring.load(f.store, f.tx), clock), clock)
        new RotationLifecycle(engine, f.tx, f.ca, f.authority, clock)
    }

    static def apply(RotationLifecycle r, RotationEvent e) {
        switch (e) {
            case START: return r.startRotation('ops')
            case ADVANCE: return r.advance('ops', false)
            case RotationEvent.ROLLBACK: return r.rollBack('ops')
        }
    }

    static void driveTo(RotationLifecycle r, RotationState target, boolean force = true) {
        switch (target) {
            case STANDBY: return
            case INIT: r.startRotation('setup'); return
            case UPDATE_CLIENTS: r.startRotation('setup'); r.advance('setup', false); return
            case UPDATE_SERVERS: r.startRotation('setup'); r.advance('setup', false); r.advance('setup', force); return
            case RotationState.ROLLBACK: r.startRotation('setup'); r.rollBack('setup'); return
        }
    }
}
