package dev.entente.lifecycle.audit

import com.zaxxer.hikari.HikariDataSource
import dev.entente.lifecycle.db.Tx
import dev.entente.testkit.PostgresFixture
import spock.lang.Specification

import java.security.MessageDigest
import java.time.Clock
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean

class AuditLogSpec extends Specification {
    /** Every feature gets a fresh database: tampering features break the chain for good. */
    HikariDataSource ds = PostgresFixture.migratedDatabase().dataSource()
    Tx tx = new Tx(ds)
    InMemoryKeyring keys = new InMemoryKeyring().add('k1')
    AuditLog log = new AuditLog(keys, Clock.systemUTC())

    def cleanup() {
        ds?.close()
    }

    def "an empty log verifies with zero events"() {
        expect:
        verify() == new AuditVerification(true, 0, null, null)
    }

    def "events appended in their own transactions verify, with the count"() {
        when:
        List<Long> seqs = (1..5).collect { n -> append('peer.accepted', [n: n, peer: "p$n"]) }

        then:
        seqs == [1L, 2L, 3L, 4L, 5L]
        verify() == new AuditVerification(true, 5, null, null)
        tx.read { c -> log.list(c, null, null, 10) }*.seq() == [5L, 4L, 3L, 2L, 1L]
    }

    def "an event whose transaction rolled back leaves no trace and no gap"() {
        given:
        append('peer.accepted', [n: 1])

        when:
        tx.inTransaction { c ->
            log.append(c, AuditEvent.of('peer.doomed', 'op', 'p2', [:]))
            throw new IllegalStateException('the audited change failed')
        }

        then:
        thrown(IllegalStateException)

        when:
        append('peer.suspended', [n: 3])

        then:
        tx.read { c -> log.list(c, null, null, 10) }.collect { [it.seq(), it.type()] } ==
                [[2L, 'peer.suspended'], [1L, 'peer.accepted']]
        verify().ok()
        verify().events() == 2
    }

    def "altering #column of one row in SQL breaks the chain at that row"() {
        given: 'events signed with k1, and a k2 the verifier also knows'
        (1..5).each { append('peer.accepted', [n: it]) }
        keys.add('k2')

        when:
        sql("UPDATE audit_events SET $assignment WHERE seq = 3")
        def v = verify()

        then:
        !v.ok()
        v.firstBroken() == 3L
        v.events() == 2
        v.reason() == reason

        where:
        column      | assignment                               | reason
        'details'   | "details = '{\"n\":99}'"                 | 'hmac does not verify: the event was altered'
        'type'      | "type = 'peer.revoked'"                  | 'hmac does not verify: the event was altered'
        'at'        | "at = at + interval '1 microsecond'"     | 'hmac does not verify: the event was altered'
        'actor'     | "actor = 'mallory'"                      | 'hmac does not verify: the event was altered'
        'subject'   | 'subject = NULL'                         | 'hmac does not verify: the event was altered'
        'code'      | "code = 'conflict'"                      | 'hmac does not verify: the event was altered'
        'key_id'    | "key_id = 'k2'"                          | 'hmac does not verify: the event was altered'
        'prev_hmac' | "prev_hmac = '\\x00'::bytea"             | 'prev_hmac does not match event 2'
        'hmac'      | "hmac = sha256(hmac)"                    | 'hmac does not verify: the event was altered'
    }

    def "a deleted middle row is reported as the missing seq"() {
        given:
        (1..5).each { append('peer.accepted', [n: it]) }

        when:
        sql('DELETE FROM audit_events WHERE seq = 3')
        def v = verify()

        then:
        v == new AuditVerification(false, 2, 3L, 'event 3 is missing')
    }

    def "a deleted first row is reported as seq 1 missing"() {
        given:
        (1..3).each { append('peer.accepted', [n: it]) }

        when:
        sql('DELETE FROM audit_events WHERE seq = 1')

        then:
        verify() == new AuditVerification(false, 0, 1L, 'event 1 is missing')
    }

    def "a cut tail (last row deleted) disagrees with the head and is broken"() {
        given:
        (1..5).each { append('peer.accepted', [n: it]) }

        when:
        sql('DELETE FROM audit_events WHERE seq = 5')
        def v = verify()

        then:
        !v.ok()
        v.events() == 4
        v.firstBroken() == 5L
        v.reason().contains('head')
    }

    def "events before and after a key rotation both verify"() {
        given:
        (1..3).each { append('before.rotation', [n: it]) }

        when:
        keys.add('k2')
        (4..6).each { append('after.rotation', [n: it]) }

        then:
        verify() == new AuditVerification(true, 6, null, null)
        tx.read { c -> log.list(c, null, null, 10) }.collect { it.keyId() } == ['k2'] * 3 + ['k1'] * 3
    }

    def "an event signed with an unknown key id is broken"() {
        given:
        append('peer.accepted', [:])
        keys.add('k2')
        append('peer.accepted', [:])

        when: 'the verifier no longer knows k2 (a key dropped instead of retired)'
        keys.forget('k2')

        then:
        verify() == new AuditVerification(false, 1, 2L, 'unknown audit key id k2')
    }

    // Regression: verify() rolled back the caller's open transaction (and so its audited
    // changes) when called on a connection that was not in auto-commit mode.
    def "verify inside the caller's transaction keeps that transaction's appends"() {
        when:
        def inside = tx.inTransaction { c ->
            log.append(c, AuditEvent.of('peer.accepted', 'op', 'p1', [:]))
            def v = log.verify(c)
            log.append(c, AuditEvent.of('peer.suspended', 'op', 'p1', [:]))
            v
        }

        then:
        inside == new AuditVerification(true, 1, null, null)
        verify() == new AuditVerification(true, 2, null, null)
    }

    // Regression: verify() read the head and the events under READ COMMITTED, so an append
    // committing in between showed up as "chain head is at N but the log ends at N+1".
    def "concurrent appends from several threads form one gapless chain, verifiable while it grows"() {
        given:
        int threads = 8
        int perThread = 25
        def pool = Executors.newFixedThreadPool(threads + 1)
        def start = new CountDownLatch(1)
        def appending = new AtomicBoolean(true)

        when:
        def appenders = (1..threads).collect { t ->
            pool.submit({
                start.await()
                (1..perThread).collect { i -> append('load.test', [thread: t, i: i]) }
            } as Callable<List<Long>>)
        }
        // a verifier running alongside must never see a torn state (events past the head)
        def verifier = pool.submit({
            start.await()
            List<AuditVerification> seen = []
            while (appending.get()) {
                seen << verify()
            }
            seen
        } as Callable<List<AuditVerification>>)
        start.countDown()
        List<Long> seqs = appenders.collectMany { it.get(60, TimeUnit.SECONDS) }
        appending.set(false)
        List<AuditVerification> during = verifier.get(60, TimeUnit.SECONDS)

        then:
        seqs.sort() == (1..threads * perThread).collect { it as long }
        verify() == new AuditVerification(true, threads * perThread, null, null)
        !during.isEmpty()
        during.findAll { !it.ok() } == []

        cleanup:
        pool?.shutdownNow()
    }

    def "the hub's own events (actor system:<source>) and the operator audit are listed apart, from one chain"() {
        given:
        tx.inTransaction { c ->
            log.append(c, AuditEvent.of('peer.proposed', 'alice', 'p1', [:]))
            log.append(c, AuditEvent.of(EventSource.HANDSHAKE, AuditEventType.PEER_ACCEPTED, 'p1', [:]))
            log.append(c, AuditEvent.of(EventSource.HEARTBEAT_SWEEP, AuditEventType.PEER_DEGRADED, 'peers', [:]))
            log.append(c, AuditEvent.of('access.denied', 'peer:p1', null, [:]))
            log.append(c, AuditEvent.of('hub.started', 'system', 'hub', [:])) // written before sources existed
        }

        expect:
        types(AuditLog.Scope.ALL, null) == ['hub.started', 'access.denied', 'peer.degraded', 'peer.accepted', 'peer.proposed']
        types(AuditLog.Scope.AUDIT, null) == ['access.denied', 'peer.proposed']
        types(AuditLog.Scope.SYSTEM, null) == ['hub.started', 'peer.degraded', 'peer.accepted']
        types(AuditLog.Scope.SYSTEM, EventSource.HEARTBEAT_SWEEP) == ['peer.degraded']
        types(AuditLog.Scope.SYSTEM, EventSource.SYSTEM) == ['hub.started']
        types(AuditLog.Scope.SYSTEM, EventSource.RENEWAL) == []
        verify().ok()

        when: 'the source is part of the MACed actor: moving an event to another source breaks the chain'
        sql("UPDATE audit_events SET actor = 'system:renewal' WHERE type = 'peer.degraded'")

        then:
        !verify().ok()
        verify().firstBroken() == 3L
    }

    def "EventSource: #actor is #expected"() {
        expect:
        EventSource.ofActor(actor).map { it.value() }.orElse(null) == expected

        where:
        actor                    || expected
        'system:heartbeat_sweep' || 'heartbeat_sweep'
        'system:handshake'       || 'handshake'
        'system'                 || 'system'
        'system:'                || null
        'system:nonsense'        || null
        'alice'                  || null
        'peer:0b0b'              || null
        'systemic'               || null
        null                     || null
    }

    def "EventSource: every source's actor maps back to it"() {
        expect:
        EventSource.values().every { EventSource.ofActor(it.actor()).get() == it }
        EventSource.parse('HEARTBEAT_SWEEP').get() == EventSource.HEARTBEAT_SWEEP
        EventSource.parse('sweeper').isEmpty()
    }

    private List<String> types(AuditLog.Scope scope, EventSource source) {
        tx.read { c -> log.list(c, scope, source, null, null, 100) }*.type()
    }

    private long append(String type, Map<String, Object> details) {
        tx.inTransaction { c -> log.append(c, AuditEvent.of(type, 'op', 'subject', details)) }
    }

    private AuditVerification verify() {
        tx.read { c -> log.verify(c) }
    }

    private void sql(String statement) {
        tx.inTransaction { c -> c.createStatement().withCloseable { it.executeUpdate(statement) } }
    }

    /** A keyring held in memory: {@link #add} makes a key current, {@link #forget} drops one. */
    static class InMemoryKeyring implements AuditKeyring {
        private final Map<String, AuditKey> keys = [:].asSynchronized()
        private volatile AuditKey current

        InMemoryKeyring add(String id) {
            current = new AuditKey(id, MessageDigest.getInstance('SHA-256').digest(id.bytes))
            keys[id] = current
            this
        }

        void forget(String id) {
            keys.remove(id)
        }

        @Override
        AuditKey current() {
            current
        }

        @Override
        Optional<AuditKey> byId(String id) {
            Optional.ofNullable(keys[id])
        }
    }
}
