package dev.entente.controlplane.anchor

import dev.entente.federation.anchor.AuditAnchor
import dev.entente.controlplane.federation.FederationService
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.anchor.SignedHead
import dev.entente.federation.protocol.FederationJson
import dev.entente.federation.peer.Peer
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.security.KeyPairGenerator
import java.security.Signature
import java.time.Instant

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 11, item 4: a cut audit tail with a consistently rewritten {@code audit_head} verifies on
 * its own, so the head is anchored outside the database. Two real linked hubs (heartbeats every
 * second) witness each other's heads; the attacker works in PostgreSQL (and, in one step, on the
 * data-dir anchor file too) and {@code audit verify} and DR014 still name the cut.
 */
@Stepwise
class AuditAnchorSpec extends Specification {
    @Shared MutableClock clock = new MutableClock()
    @Shared Path dirA = Files.createTempDirectory('entente-anchor-a')
    @Shared int portA
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared byte[] oldFileOfB

    def setupSpec() {
        portA = new ServerSocket(0).withCloseable { it.localPort }
        a = start('hub-a', clock, FAST + ['entente.hub.port': portA], dirA)
        b = start('hub-b', clock, FAST)
        TestHubs.link(a, b, 'hub-b')
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "linked hubs witness each other's heads, and an untouched hub verifies ok against its file and its peer"() {
        expect: 'each hub holds the other\'s head, and each holds the other\'s countersignature of its own'
        eventually(20) { witnessOf(a) != null && witnessOf(b) != null }
        eventually(10) { heldOf(a, b) != null && heldOf(b, a) != null }

        and: 'the local anchor is a 0600 file holding a head this hub signed'
        Path file = a.settings().dataDir().resolve('audit-head.json')
        Files.getPosixFilePermissions(file) == PosixFilePermissions.fromString('rw-------')
        new JsonSlurper().parse(file.toFile()).hub_id == a.hubId()

        and:
        def v = verify(a)
        v.code == 0
        v.json.ok
        v.json.truncated == null
        v.json.anchors*.witness as Set == ['local file', 'peer ' + b.hubId()] as Set
        verify(b).json.ok

        when: 'B appends events; keep the file B has now, as an attacker would'
        oldFileOfB = Files.readAllBytes(b.settings().dataDir().resolve('audit-head.json'))
        3.times { assert cli(b, 'audit', 'rotate-key').code == 0 }

        then:
        eventually(10) { verify(b).json.ok }
    }

    def "after a restart the untouched hub still verifies ok, and its anchors keep moving"() {
        when:
        long before = fileSeq(a)
        a.stop()
        a = start('hub-a', clock, FAST + ['entente.hub.port': portA], dirA)

        then:
        verify(a).json.ok
        findings(a, 'DR014').isEmpty()
        cli(a, 'audit', 'rotate-key').code == 0
        eventually(10) { fileSeq(a) > before && witnessOf(a).seq > before }
        verify(a).json.ok
    }

    def "a head whose signature does not verify under the pinned key is refused and changes nothing: #forgery"() {
        given:
        Peer aOnB = b.bean(FederationService).peers().findByHubId(a.hubId()).get()
        Map held = heldOf(a, b)
        Map forged = forge(b.bean(AuditAnchor).current(), held.seq + 100)

        when: 'B\'s own mTLS client (its node certificate for A) posts the forged head'
        def answer = new JsonSlurper().parseText(b.bean(FederationService).clientFor(aOnB).post('federation/v1/heartbeat',
                [protocol_version: 1, hub_id: b.hubId(), clock: Instant.now().toString(),
                 tls_fingerprints: [], ca_phase: 'standby', audit_head: forged]).toString())

        then: 'the heartbeat itself is answered; the witness says why it refused'
        answer.hub_id == a.hubId()
        answer.audit_witness.refused.contains(reason)
        answer.audit_witness.witnessed == null
        heldOf(a, b).seq < held.seq + 100 // B's genuine heartbeats may move it meanwhile, never to the forged head

        where:
        forgery                         | forge                                     | reason
        'seq raised after signing'      | { s, long seq -> raised(s, seq) }         | 'signature does not verify'
        'signed with an unpinned key'   | { s, long seq -> otherKey(s, seq) }       | 'another key than the one pinned'
    }

    def "B's tail is cut, audit_head rewritten, its witness rows deleted and its file rolled back: only peer A catches it"() {
        given: 'A has witnessed B past the head of the file the attacker kept'
        long kept = new JsonSlurper().parse(oldFileOfB).seq as long
        eventually(10) { heldOf(a, b).seq > kept + 2 }

        when:
        cut(b, kept)
        sql(b) { it.execute('DELETE FROM audit_witnesses') }
        Files.write(b.settings().dataDir().resolve('audit-head.json'), oldFileOfB)
        // A heartbeat B signed before the cut may still land; after two intervals A no longer moves.
        Thread.sleep(2500)
        long witnessed = heldOf(a, b).seq

        then: 'A keeps what it witnessed, hands it back on the next heartbeat, and B names A'
        eventually(10) { verify(b).json.truncated?.witness == 'peer ' + a.hubId() }
        def v = verify(b)
        v.code == 1
        !v.json.ok
        v.json.truncated.anchored_seq == witnessed
        // B's own events (a delivery failure, a worker run) may land on the cut chain meanwhile
        v.json.truncated.db_seq >= kept && v.json.truncated.db_seq < witnessed
        v.json.first_broken == v.json.truncated.db_seq + 1
        heldOf(a, b).seq == witnessed

        when: 'B\'s chain grows past the witnessed head again'
        (witnessed - kept + 2).times { assert cli(b, 'audit', 'rotate-key').code == 0 }

        then: 'A does not move on (B cannot prove its chain still holds the witnessed event), so the cut stays visible'
        eventually(10) { verify(b).json.events > witnessed }
        Thread.sleep(2_500) // a few heartbeats: each would have moved A's record, were it allowed to
        heldOf(a, b).seq == witnessed
        def again = verify(b)
        !again.json.ok
        again.json.truncated.anchored_seq == witnessed
        again.json.reason.contains('rewritten')
        findings(b, 'DR014')[0].diagnosis.contains('truncated')
    }

    def "A's tail is cut and audit_head rewritten in PostgreSQL: the local file names the cut, and DR014 fires"() {
        given:
        long anchored = fileSeq(a)
        assert anchored > 3

        when:
        cut(a, anchored - 2)
        sql(a) { it.execute('DELETE FROM audit_witnesses') }
        def v = verify(a)
        def dr014 = findings(a, 'DR014')

        then:
        v.code == 1
        !v.json.ok
        v.json.truncated.witness == 'local file'
        v.json.truncated.anchored_seq == anchored
        v.json.truncated.db_seq == anchored - 2
        v.json.reason.contains('cut from the tail')
        dr014.size() == 1
        dr014[0].severity == 'error'
        dr014[0].diagnosis.contains('truncated: local file anchored event ' + anchored)
        dr014[0].next_command == 'entente audit verify'

        and: 'the file keeps the evidence: it never moves back'
        Thread.sleep(1_500)
        fileSeq(a) == anchored
    }

    // ---------------------------------------------------------------- helpers

    static Map verify(RunningHub hub) {
        cli(hub, 'audit', 'verify', '--output', 'json')
    }

    /** The head of {@code hub}'s chain that its peer vouches for (audit_witnesses), or null. */
    static Map witnessOf(RunningHub hub) {
        sql(hub) { it.firstRow('SELECT seq FROM audit_witnesses') }
    }

    /** The head of {@code peer}'s chain that {@code witness} holds (peer_audit_heads), or null. */
    static Map heldOf(RunningHub witness, RunningHub peer) {
        sql(witness) {
            it.firstRow('SELECT h.seq FROM peer_audit_heads h JOIN peers p ON p.id = h.peer_id WHERE p.hub_id = ?',
                    [peer.hubId()])
        }
    }

    static long fileSeq(RunningHub hub) {
        new JsonSlurper().parse(hub.settings().dataDir().resolve('audit-head.json').toFile()).seq as long
    }

    /** What the attacker does: drop every event after {@code keep} and point audit_head at event {@code keep}. */
    static void cut(RunningHub hub, long keep) {
        sql(hub) { s ->
            s.withTransaction {
                s.execute('SELECT seq FROM audit_head FOR UPDATE')
                s.execute('DELETE FROM audit_events WHERE seq > ?', [keep])
                s.execute('UPDATE audit_head SET seq = ?, hmac = (SELECT hmac FROM audit_events WHERE seq = ?)', [keep, keep])
            }
        }
    }

    /** A real statement of B with its seq raised after signing. */
    static Map raised(Object statement, long seq) {
        Map json = FederationJson.mapper().convertValue(SignedHead.of(statement), Map)
        json.seq = seq
        json
    }

    /** A statement of B's hub signed, validly, by a key A never pinned (the wire format of HeadStatement). */
    static Map otherKey(Object statement, long seq) {
        Map json = FederationJson.mapper().convertValue(SignedHead.of(statement), Map)
        def kp = KeyPairGenerator.getInstance('Ed25519').generateKeyPair()
        def signer = Signature.getInstance('Ed25519')
        signer.initSign(kp.private)
        signer.update(['entente.audit-head.v1', json.hub_id, seq.toString(), json.hmac, json.at].join('|').getBytes('UTF-8'))
        json.seq = seq
        json.key = kp.public.encoded.encodeBase64().toString()
        json.sig = signer.sign().encodeBase64().toString()
        json
    }
}
