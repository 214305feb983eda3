package dev.entente.controlplane.ca

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Unroll

import java.nio.file.Files
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors

/**
 * Issue 11, item 10: a CA rotation step could be applied twice (eight concurrent advances moved
 * update_clients → update_servers → standby in one burst; advance in standby was a silent 200).
 * Each move now names the phase it leaves, over the real admin API and CLI of a real hub.
 */
@Stepwise
class RotationMovesSpec extends Specification {
    @Shared RunningHub hub

    def setupSpec() {
        hub = TestHubs.start(Files.createTempDirectory('rotation-moves'))
    }

    def cleanupSpec() {
        hub?.stop()
    }

    @Unroll
    def "#move without a valid expected_phase is refused with 400 and nothing moves (#body)"() {
        when:
        def r = post(move, body)

        then:
        r.status == 400
        r.contentType.startsWith('application/problem+json')
        r.json.code == 'invalid_request'
        r.json.detail.contains(hint)
        phase() == 'standby'

        where:
        move       | body                            | hint
        'advance'  | [force: true]                   | 'expected_phase is required'
        'rollback' | [:]                             | 'expected_phase is required'
        'advance'  | [expected_phase: 'sideways']    | 'expected_phase must be one of'
        'start'    | [expected_phase: 'init']        | 'start leaves standby only'
    }

    def "advance in standby says there is nothing to do: 409 transition_rejected, changed false"() {
        when:
        def r = post('advance', [expected_phase: 'standby'])

        then:
        r.status == 409
        r.json.code == 'transition_rejected'
        r.json.changed == false
        r.json.detail.contains('nothing to advance from standby')
        r.json.allowed_events == ['start']
        phase() == 'standby'
    }

    def "start twice: the second names the phase the first reached"() {
        when:
        def first = post('start', [:])
        def second = post('start', [:])

        then:
        first.status == 200
        first.json[0].phase == 'init'
        second.status == 409
        second.json.code == 'rotation_phase_changed'
        second.json.phase == 'init'
        second.json.expected_phase == 'standby'
        phase() == 'init'
    }

    def "eight concurrent advances from init: exactly one moves the phase, seven get rotation_phase_changed"() {
        given:
        def pool = Executors.newFixedThreadPool(8)
        def go = new CountDownLatch(1)

        when:
        def answers = (1..8).collect {
            pool.submit({ go.await(); post('advance', [expected_phase: 'init']) } as Callable)
        }
        go.countDown()
        def done = answers*.get()

        then:
        done.count { it.status == 200 } == 1
        done.findAll { it.status != 200 }.every { it.status == 409 && it.json.code == 'rotation_phase_changed' && it.json.phase == 'update_clients' }
        done.count { it.status == 409 } == 7
        phase() == 'update_clients'

        cleanup:
        pool?.shutdownNow()
    }

    def "advance --force sent twice from update_clients moves one step, not two"() {
        when:
        def first = post('advance', [expected_phase: 'update_clients', force: true])
        def again = post('advance', [expected_phase: 'update_clients', force: true])

        then:
        first.status == 200
        first.json[0].phase == 'update_servers'
        again.status == 409
        again.json.code == 'rotation_phase_changed'
        again.json.phase == 'update_servers'
        phase() == 'update_servers'
        first.json[0].standby_fingerprint != null
    }

    def "the CLI sends the phase it read, or --from; a stale --from is refused with the current phase"() {
        when:
        def stale = TestHubs.cli(hub, 'ca', 'rotate', 'rollback', '--from', 'update_clients', '--output', 'json')

        then:
        stale.code != 0
        stale.err.contains('rotation_phase_changed')
        stale.err.contains('update_servers')
        phase() == 'update_servers'

        when:
        def rolled = TestHubs.cli(hub, 'ca', 'rotate', 'rollback', '--output', 'json')
        def done = TestHubs.cli(hub, 'ca', 'rotate', 'advance', '--from', 'rollback', '--output', 'json')

        then:
        rolled.code == 0
        rolled.json[0].phase == 'rollback'
        done.code == 0
        done.json[0].phase == 'standby'
    }

    def "every move that landed is one audit event carrying the phase it named"() {
        when:
        def moves = TestHubs.cli(hub, 'audit', 'ls', '--since', '10m', '--limit', '100', '--output', 'json').json
                .findAll { it.type.startsWith('ca_rotation.') }.reverse()

        then:
        moves*.type == ['ca_rotation.init', 'ca_rotation.update_clients', 'ca_rotation.update_servers',
                        'ca_rotation.rollback', 'ca_rotation.standby']
        moves*.details*.expected_phase == ['standby', 'init', 'update_clients', 'update_servers', 'rollback']
    }

    private HubHttp.Answer post(String move, Map body) {
        HubHttp.post(hub.url() + '/api/v1/ca/rotate/' + move, JsonOutput.toJson(body), TestHubs.adminToken(hub))
    }

    private String phase() {
        HubHttp.get(hub.url() + '/api/v1/ca', TestHubs.adminToken(hub)).json[0].phase
    }
}
