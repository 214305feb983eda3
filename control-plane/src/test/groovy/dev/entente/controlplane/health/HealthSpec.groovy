package dev.entente.controlplane.health

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.EmbeddedDatabase
import dev.entente.controlplane.hub.RunningHub
import dev.entente.ca.tls.TlsState
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 13, /healthz, /readyz and status on two real linked hubs (heartbeats every second, each
 * on its own movable clock). Each step makes one fault for real, sees it in /healthz, status and
 * doctor, and recovers: A's worker stopped, B's clock five minutes ahead, B stopped, A's database
 * stopped. Only the last one, the hub's own inability to serve, is a 503.
 */
@Stepwise
class HealthSpec extends Specification {
    @Shared MutableClock clockA = new MutableClock()
    @Shared MutableClock clockB = new MutableClock()
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared Path dirB = Files.createTempDirectory('entente-health-b')
    @Shared int portB = freePort()
    @Shared String peerBonA

    def setupSpec() {
        a = start('hub-a', clockA, FAST)
        b = start('hub-b', clockB, FAST + ['entente.hub.port': portB], dirB)
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "two linked hubs: healthz ok with no reasons, readyz ready, status shows the link and the clocks agreeing"() {
        given: 'both hubs answer their CLI (a loaded machine can be slow to serve the first call)'
        eventually(60) { status(a) && status(b) }

        when:
        def proposed = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json')
        assert proposed.code == 0: proposed.err
        peerBonA = proposed.json.peer.id
        def accepted = cli(b, 'peers', 'accept', '--token', proposed.json.acceptance_token, '--output', 'json')
        assert accepted.code == 0: accepted.err

        then:
        eventually(90) { status(a).clock != null && status(b).clock != null }
        def h = HubHttp.get(a.url() + '/healthz')
        h.status == 200
        h.json == [status: 'ok', reasons: [], hub_id: a.hubId(), uptime_s: h.json.uptime_s]
        def r = HubHttp.get(a.url() + '/readyz')
        r.status == 200
        r.json == [status: 'ready']

        def s = status(a)
        s.peers == [proposed: 0, accepted: 0, enrolled: 0, active: 1, degraded: 0, suspended: 0, revoked: 0, total: 1]
        s.pending_tokens == []
        s.worker.task != null
        s.worker.started_at != null
        s.last_error == null
        Math.abs(s.clock.offset_ms as long) < 1000
        s.clock.peers == 1
        !s.clock.skewed
        s.warnings == []
        s.tls.fingerprint == a.bean(TlsState).current().fingerprint()
        s.tls.expires_in_s > 0
        s.listening.startsWith('127.0.0.1:')
        s.public_url.startsWith('https://')

        and: 'the same at a glance for a person'
        def human = cli(a, 'status')
        human.code == 0
        human.out.contains('peers       1 total: 1 active')
        human.out =~ /clock +[+-]\d+\.\d{3}s against 1 peer\(s\)/
        human.out.contains('warnings    none')
    }

    def "a proposed peer's acceptance token is listed in status with its expiry"() {
        when:
        def p = cli(a, 'peers', 'propose', '--name', 'hub-c', '--output', 'json')

        then:
        def tokens = status(a).pending_tokens
        tokens.size() == 1
        tokens[0].peer_id == p.json.peer.id
        tokens[0].name == 'hub-c'
        tokens[0].expires_at != null
        !tokens[0].expired
        status(a).peers.proposed == 1

        cleanup:
        cli(a, 'peers', 'revoke', p.json.peer.id as String, '--reason', 'not needed')
    }

    def "worker_stalled: A's scheduler stops; healthz warns (200) and readyz stays ready; it recovers when the worker runs again"() {
        when:
        a.worker().scheduler().standby()

        then:
        eventually(60) { healthz(a).json.reasons.contains('worker_stalled') }
        def h = healthz(a)
        h.status == 200
        h.json.status == 'warning'
        h.json.reason == h.json.reasons[0]
        HubHttp.get(a.url() + '/readyz').status == 200
        findings(a, 'DR005').size() > 0
        status(a).warnings.any { it.startsWith('DR005 sweep_not_running: ') }

        when:
        a.worker().scheduler().start()

        then:
        eventually(60) { !healthz(a).json.reasons.contains('worker_stalled') }
        eventually(60) { findings(a, 'DR005').isEmpty() }
    }

    def "clock_skew: B's clock runs 5 minutes ahead; B reports its own skew in doctor, status and healthz, and clears when fixed"() {
        when:
        clockB.advance(Duration.ofMinutes(5))

        then:
        eventually(60) { findings(b, 'DR020').size() == 1 }
        def own = findings(b, 'DR020')[0]
        own.name == 'own_clock_skew'
        own.severity == 'warning'
        own.diagnosis =~ /this hub's clock is (4m 59s|5m 0s|5m 1s) ahead of its only measured peer, hub-a /
        own.next_command == 'entente status'
        def h = healthz(b)
        h.status == 200
        h.json.status == 'warning'
        h.json.reasons.contains('clock_skew')
        def s = status(b)
        s.clock.skewed
        Math.abs((s.clock.offset_ms as long) - 300_000) < 2000

        and: 'A sees the same skew the other way round, and names B as the peer that differs'
        eventually(60) { findings(a, 'DR020')[0]?.diagnosis?.contains('behind its only measured peer, hub-b') }
        findings(a, 'DR009')*.subject == [peerBonA]

        when: 'NTP fixes B'
        clockB.offset = Duration.ZERO

        then:
        eventually(60) { findings(b, 'DR020').isEmpty() && !healthz(b).json.reasons.contains('clock_skew') }
        eventually(60) { findings(a, 'DR020').isEmpty() }
        !status(b).clock.skewed
    }

    def "federation_partner_unreachable: B stops; A warns (200) while its heartbeats fail, and clears once B is back"() {
        when:
        b.stop()

        then:
        eventually(60) { healthz(a).json.reasons.contains('federation_partner_unreachable') }
        def h = healthz(a)
        h.status == 200
        h.json.status == 'warning'
        HubHttp.get(a.url() + '/readyz').status == 200
        findings(a, 'DR008')*.subject == [peerBonA]

        when:
        b = start('hub-b', clockB, FAST + ['entente.hub.port': portB], dirB)

        then:
        eventually(30) { healthz(a).json == [status: 'ok', reasons: [], hub_id: a.hubId(), uptime_s: healthz(a).json.uptime_s] }
    }

    def "database_unreachable: A's PostgreSQL stops; healthz and readyz are 503 until it is back"() {
        when:
        a.bean(EmbeddedDatabase).stop()
        def h = healthz(a)
        def r = HubHttp.get(a.url() + '/readyz')

        then:
        h.status == 503
        h.json.status == 'degraded'
        h.json.reason == 'database_unreachable'
        h.json.reasons[0] == 'database_unreachable'
        r.status == 503
        r.json == [status: 'not_ready', reason: 'database_unreachable']

        when:
        a.bean(EmbeddedDatabase).startServer()

        then:
        eventually(30) { HubHttp.get(a.url() + '/readyz').status == 200 && healthz(a).status == 200 }
    }

    static HubHttp.Answer healthz(RunningHub hub) {
        HubHttp.get(hub.url() + '/healthz')
    }

    static Map status(RunningHub hub) {
        def r = cli(hub, 'status', '--output', 'json')
        assert r.code == 0: r.err
        r.json as Map
    }
}
