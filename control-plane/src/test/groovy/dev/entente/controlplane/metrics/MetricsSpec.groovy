package dev.entente.controlplane.metrics

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files

import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 14, "metrics and alerts": the {@code /metrics} of a real hub with two linked peers, as
 * Prometheus reads it. Entente's own families pass {@code promtool check metrics}; counters are
 * counters ending in {@code _total}; the rotation phase and each peer's state are labelled state
 * sets; a revoked peer's series are gone from the next scrape.
 */
@Stepwise
class MetricsSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '3s',
                             'entente.sweep.interval': '1s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared RunningHub c
    @Shared String peerB
    @Shared String peerC

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('entente-a'), FAST + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(Files.createTempDirectory('entente-b'), FAST + ['entente.hub.name': 'hub-b'])
        c = TestHubs.start(Files.createTempDirectory('entente-c'), FAST + ['entente.hub.name': 'hub-c'])
        peerB = TestHubs.link(a, b, 'hub-b')
        peerC = TestHubs.link(a, c, 'hub-c')
    }

    def cleanupSpec() {
        c?.stop()
        b?.stop()
        a?.stop()
    }

    static String scrape(RunningHub hub) {
        def answer = HubHttp.get(hub.url() + '/metrics', TestHubs.adminToken(hub))
        assert answer.status == 200
        answer.text
    }

    static Double value(String text, String series) {
        def line = text.readLines().find { it.startsWith(series + ' ') }
        line == null ? null : line.substring(series.length() + 1) as double
    }

    def "promtool check metrics finds nothing wrong with Entente's own series"() {
        given:
        eventually(20) { value(scrape(a), 'entente_heartbeats_sent_total') > 0 }
        def text = scrape(a)

        when:
        def lint = Promtool.run(text, 'check', 'metrics')
        def ours = lint.output.readLines().findAll { it.startsWith('entente_') }

        then: 'problems with JVM series Micrometer names are not ours to fix; Entente’s have none'
        ours.isEmpty()
        !lint.output.contains('error while linting')
    }

    def "counters end in _total and are typed counter; times end in _timestamp_seconds"() {
        when:
        def text = scrape(a)

        then:
        ['entente_heartbeats_sent_total', 'entente_heartbeats_received_total', 'entente_heartbeats_failed_total'].every {
            text.contains("# TYPE $it counter") && value(text, it) != null
        }
        value(text, 'entente_tls_cert_expiry_timestamp_seconds') > System.currentTimeMillis() / 1000
        value(text, 'entente_sweep_last_run_timestamp_seconds') > 0
        !text.readLines().any { it ==~ /^entente_\w*(not_after|last_run)_seconds .*/ }
    }

    def "the rotation phase is a state set: standby 1, every other phase 0"() {
        when:
        def text = scrape(a)
        def phases = text.readLines().findAll { it.startsWith('entente_ca_rotation_phase{') }

        then:
        phases.size() > 1
        phases.count { it.endsWith(' 1.0') } == 1
        value(text, 'entente_ca_rotation_phase{phase="standby"}') == 1.0d
        value(text, 'entente_ca_rotation_phase{phase="update_clients"}') == 0.0d
        value(text, 'entente_ca_rotation_laggards') == 0.0d
    }

    def "each linked peer has its state, heartbeat age, failures and node-certificate expiry"() {
        when:
        def text = scrape(a)

        then:
        [[peerB, 'hub-b'], [peerC, 'hub-c']].every { id, name ->
            def labels = "name=\"$name\",peer=\"$id\""
            value(text, "entente_peer_state{$labels,state=\"active\"}") == 1.0d &&
                    value(text, "entente_peer_state{$labels,state=\"degraded\"}") == 0.0d &&
                    value(text, "entente_peer_last_heartbeat_age_seconds{$labels}") < 60 &&
                    value(text, "entente_peer_heartbeat_failures_total{$labels}") != null &&
                    value(text, "entente_peer_node_cert_expiry_timestamp_seconds{$labels}") > System.currentTimeMillis() / 1000
        }
        !text.readLines().any { it.startsWith('entente_peer_state{') && it.contains('state="revoked"') }
    }

    def "HTTP server requests are timed by route template and the connection pool reports its connections"() {
        given: 'a request whose path names no route: its own path must not become a label'
        HubHttp.get(a.url() + '/no-such-route-3f9c1d')

        when:
        def text = scrape(a)
        def requests = text.readLines().findAll { it.startsWith('http_server_requests_seconds_count{') }

        then:
        requests.any { it.contains('uri="/federation/v1/heartbeat"') && it.contains('status="200"') }
        requests.any { it.contains('uri="/api/v1/peers/{id}"') }
        !text.contains('3f9c1d')
        ['hikaricp_connections_active{pool="entente"}', 'hikaricp_connections_idle{pool="entente"}',
         'hikaricp_connections_pending{pool="entente"}'].every { value(text, it) != null }
    }

    def "the shipped alert rules and dashboard query only series the hub exports"() {
        given: 'the series of a hub with peers, HTTP traffic and a verified audit chain'
        eventually(20) { value(scrape(a), 'entente_audit_chain_broken') == 0.0d }
        def exported = scrape(a).readLines().findAll { it && !it.startsWith('#') }
                .collect { it.split(/[{ ]/)[0] } as Set

        when:
        def queries = MonitoringDocs.alertRules()*.expr + MonitoringDocs.dashboardQueries()
        def named = queries.collectMany { MonitoringDocs.metricNames(it) } as Set

        then:
        named.size() > 15
        named - exported == [] as Set
    }

    def "a revoked peer's series are gone from the next scrape; the totals stay"() {
        given:
        def before = value(scrape(a), 'entente_heartbeats_sent_total')

        when:
        def r = TestHubs.cli(a, 'peers', 'revoke', peerC, '--reason', 'contract ended', '--output', 'json')
        assert r.code == 0: r.err
        Thread.sleep(1100) // the snapshot is kept for a second
        def text = scrape(a)

        then:
        !text.contains(peerC)
        text.contains("peer=\"$peerB\"")
        value(text, 'entente_peers{state="revoked"}') == 1.0d
        value(text, 'entente_heartbeats_sent_total') >= before
    }
}
