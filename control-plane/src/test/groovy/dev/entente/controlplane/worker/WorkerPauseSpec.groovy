package dev.entente.controlplane.worker

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.hub.HubWorker
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Unroll

import java.time.Duration

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 18: automation paused while an operator repairs something by hand. On two real linked
 * hubs (heartbeats and sweeps every second, stale after 3 s): a paused sweep leaves a stopped
 * peer active until resumed, then it goes degraded; every skipped run is recorded; status,
 * doctor (DR025) and /healthz (automation_paused) say what is paused, by whom, until when; a
 * pause with a deadline ends by itself.
 */
@Stepwise
class WorkerPauseSpec extends Specification {
    @Shared MutableClock clockA = new MutableClock()
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String peerB

    def setupSpec() {
        a = start('hub-a', clockA, FAST)
        b = start('hub-b', new MutableClock(), FAST)
        def proposed = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json')
        assert proposed.code == 0: proposed.err
        peerB = proposed.json.peer.id
        assert cli(b, 'peers', 'accept', '--token', proposed.json.acceptance_token, '--output', 'json').code == 0
        eventually(60) { peer(peerB).state == 'active' }
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "the jobs that can be paused are the worker's, without the two that end pauses and policies"() {
        when:
        def r = cli(a, 'worker', 'pauses', '--output', 'json')

        then:
        r.code == 0
        r.json.paused == []
        r.json.jobs == HubWorker.PAUSABLE_JOBS
        !('pause_expiry' in r.json.jobs)
        !('policy_revert' in r.json.jobs)
    }

    @Unroll
    def "pausing job #job is #outcome"() {
        when:
        def r = cli(a, 'worker', 'pause', '--job', job, '--reason', 'table', '--output', 'json')
        def problem = r.code == 0 ? null : new groovy.json.JsonSlurper().parseText(r.err.trim())

        then:
        (r.code == 0) == (outcome == 'accepted')
        outcome == 'accepted' ? r.json.job == job : problem.code == 'worker_job_unknown' && problem.valid_jobs == HubWorker.PAUSABLE_JOBS

        cleanup:
        cli(a, 'worker', 'resume', '--job', job, '--output', 'json')

        where:
        job               || outcome
        'stale_sweep'     || 'accepted'
        'heartbeat_sender'|| 'accepted'
        'grant_expiry'    || 'accepted'
        'governance_scan' || 'accepted'
        'pause_expiry'    || 'refused'
        'policy_revert'   || 'refused'
        'sweep'           || 'refused'
    }

    def "a paused sweep leaves a stopped peer active, and says so in status, doctor and /healthz"() {
        when:
        def r = cli(a, 'worker', 'pause', '--job', 'stale_sweep', '--reason', 're-linking hub-b', '--output', 'json')

        then:
        r.code == 0
        r.json.job == 'stale_sweep'
        r.json.paused_by == 'admin'

        when: 'hub-b stops, for longer than stale-after and several sweep intervals'
        b.stop()
        b = null
        eventually(30) { lastOutcome('stale_sweep') == 'paused' }
        Thread.sleep(6000)

        then:
        peer(peerB).state == 'active'
        lastOutcome('stale_sweep') == 'paused'

        and:
        def h = HubHttp.get(a.url() + '/healthz')
        h.status == 200
        h.json.status == 'warning'
        'automation_paused' in h.json.reasons
        h.json.paused == [[job: 'stale_sweep', paused_by: 'admin', reason: 're-linking hub-b', paused_at: h.json.paused[0].paused_at,
                           until: null]]
        findings(a, 'DR025')*.subject == ['stale_sweep']
        cli(a, 'status', '--output', 'json').json.warnings.any { it.startsWith('DR025') && it.contains('re-linking hub-b') }
    }

    def "resumed, the sweep marks the peer degraded"() {
        when:
        def r = cli(a, 'worker', 'resume', '--job', 'stale_sweep', '--output', 'json')

        then:
        r.code == 0
        r.json.paused == []
        eventually(30) { peer(peerB).state == 'degraded' }
        eventually(10) { !('automation_paused' in HubHttp.get(a.url() + '/healthz').json.reasons) }
        findings(a, 'DR025').isEmpty()
        cli(a, 'audit', 'ls', '--type', 'worker.resumed', '--since', '1d', '--output', 'json').json[0].subject == 'stale_sweep'
    }

    def "a pause of every job with a deadline ends by itself, with a hub event"() {
        when:
        def r = cli(a, 'worker', 'pause', '--for', '30m', '--reason', 'database repair', '--output', 'json')

        then:
        r.code == 0
        r.json.job == '*'
        r.json.until != null
        eventually(30) { lastOutcome('governance_scan') == 'paused' }
        findings(a, 'DR025')[0].diagnosis.startsWith('every worker job paused by admin until ')

        when:
        clockA.advance(Duration.ofMinutes(31))

        then:
        cli(a, 'worker', 'pauses', '--output', 'json').json.paused == []
        eventually(30) {
            cli(a, 'events', '--type', 'worker.resumed', '--since', '1d', '--output', 'json').json
                    .any { it.subject == '*' && it.actor == 'system:worker' }
        }
        eventually(30) { lastOutcome('governance_scan') == 'ok' }
    }

    private Map peer(String id) {
        cli(a, 'peers', 'show', id, '--output', 'json').json
    }

    private String lastOutcome(String task) {
        sql(a) { it.firstRow('SELECT last_outcome FROM worker_runs WHERE task = ?', [task])?.last_outcome }
    }
}
