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
 * are rejected and change nothing. Issue 11 (item 10): every move names the phase it leaves; a move
 * from a phase the rotation has left is refused with rotation_phase_changed, and a move the named
 * phase does not have is transition_rejected instead of a silent no-op.
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
            def result = apply(rotation, event, from)
            outcome = result.to()
            changed = result.changed()
        } catch (EntenteException e) {
            outcome = e.code().code()
        }

        then: 'a refused move writes nothing; an accepted one moves exactly one step'
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
        STANDBY                | ADVANCE  | 'transition_rejected'       | false
        STANDBY                | ROLLBACK | 'transition_rejected'       | false
        INIT                   | START    | 'rotation_phase_changed'    | false
        INIT                   | ADVANCE  | UPDATE_CLIENTS              | true
        INIT                   | ROLLBACK | RotationState.ROLLBACK      | true
        UPDATE_CLIENTS         | START    | 'rotation_phase_changed'    | false
        UPDATE_CLIENTS         | ADVANCE  | UPDATE_SERVERS              | true
        UPDATE_CLIENTS         | ROLLBACK | RotationState.ROLLBACK      | true
        UPDATE_SERVERS         | START    | 'rotation_phase_changed'    | false
        UPDATE_SERVERS         | ADVANCE  | STANDBY                     | true
        UPDATE_SERVERS         | ROLLBACK | RotationState.ROLLBACK      | true
        RotationState.ROLLBACK | START    | 'rotation_phase_changed'    | false
        RotationState.ROLLBACK | ADVANCE  | STANDBY                     | true
        RotationState.ROLLBACK | ROLLBACK | 'transition_rejected'       | false
    }

    @Unroll
    def "issue 11: #event from #from, named as leaving any other phase, is refused with rotation_phase_changed and writes nothing"() {
        given:
        def f = new CaFixture()
        def rotation = lifecycle(f)
        driveTo(rotation, from)
        def before = rotation.status()
        def audited = auditCount(f)

        when:
        def refusals = (RotationState.values() - from).collect { RotationState stale ->
            try {
                event == ADVANCE ? rotation.advance('ops', stale, true) : rotation.rollBack('ops', stale)
                return null
            } catch (EntenteException e) {
                return e
            }
        }

        then: 'each names the phase it expected and the phase the rotation is in'
        refusals.every { it?.code()?.code() == 'rotation_phase_changed' }
        refusals*.extensions()*.phase.toSet() == [from.value()] as Set
        refusals*.extensions()*.expected_phase as Set == (RotationState.values() - from)*.value() as Set
        refusals.every { it.detail().contains("in ${from.value()}, not ") }
        rotation.status() == before
        auditCount(f) == audited

        cleanup:
        f?.close()

        where:
        [from, event] << [RotationState.values(), [ADVANCE, RotationEvent.ROLLBACK]].combinations()
    }

    def "issue 11: advance --force sent twice from update_clients moves one step; the second names where it went"() {
        given:
        def f = new CaFixture()
        def rotation = lifecycle(f)
        driveTo(rotation, UPDATE_CLIENTS)

        when:
        def first = rotation.advance('ops', UPDATE_CLIENTS, true)
        rotation.advance('ops', UPDATE_CLIENTS, true)

        then:
        def e = thrown(EntenteException)
        first.to() == UPDATE_SERVERS
        e.code().code() == 'rotation_phase_changed'
        e.extensions().phase == 'update_servers'
        rotation.status().phase() == UPDATE_SERVERS
        rotation.status().standbyFingerprint() != null

        cleanup:
        f?.close()
    }

    def "issue 11: eight concurrent advances naming the same phase move it exactly one step"() {
        given:
        def f = new CaFixture()
        def rotation = lifecycle(f)
        driveTo(rotation, UPDATE_CLIENTS)
        def pool = java.util.concurrent.Executors.newFixedThreadPool(8)
        def gate = new java.util.concurrent.CountDownLatch(1)

        when:
        def futures = (1..8).collect {
            pool.submit({
                gate.await()
                try {
                    rotation.advance("ops-$it", UPDATE_CLIENTS, true).to().value()
                } catch (EntenteException e) {
                    e.code().code()
                }
            } as java.util.concurrent.Callable)
        }
        gate.countDown()
        def outcomes = futures*.get()

        then:
        outcomes.count('update_servers') == 1
        outcomes.count('rotation_phase_changed') == 7
        rotation.status().phase() == UPDATE_SERVERS
        Sql.newInstance(f.ds).rows("SELECT type FROM audit_events WHERE type LIKE 'ca_rotation.%' ORDER BY seq")*.type ==
                ['ca_rotation.init', 'ca_rotation.update_clients', 'ca_rotation.update_servers']

        cleanup:
        pool?.shutdownNow()
        f?.close()
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
        rotation.advance('ops', UPDATE_CLIENTS, false)

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'rotation_laggards'
        e.extensions().laggards == ['peer-old']
        e.detail().contains('--force')
        rotation.status().phase() == UPDATE_CLIENTS
        rotation.status().laggards() == ['peer-old']

        when:
        def forced = rotation.advance('ops', UPDATE_CLIENTS, true)

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
        rotation.advance('ops', INIT, false)
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
        rotation.rollBack('alice', INIT)
        rotation.advance('alice', RotationState.ROLLBACK, false)
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

    /** The move as an operator who saw {@code from} sends it. */
    static def apply(RotationLifecycle r, RotationEvent e, RotationState from) {
        switch (e) {
            case START: return r.startRotation('ops')
            case ADVANCE: return r.advance('ops', from, false)
            case RotationEvent.ROLLBACK: return r.rollBack('ops', from)
        }
    }

    static int auditCount(CaFixture f) {
        Sql.newInstance(f.ds).firstRow("SELECT count(*) AS n FROM audit_events").n as int
    }

    static void driveTo(RotationLifecycle r, RotationState target, boolean force = true) {
        switch (target) {
            case STANDBY: return
            case INIT: r.startRotation('setup'); return
            case UPDATE_CLIENTS: r.startRotation('setup'); r.advance('setup', INIT, false); return
            case UPDATE_SERVERS: r.startRotation('setup'); r.advance('setup', INIT, false); r.advance('setup', UPDATE_CLIENTS, force); return
            case RotationState.ROLLBACK: r.startRotation('setup'); r.rollBack('setup', INIT); return
        }
    }
}
