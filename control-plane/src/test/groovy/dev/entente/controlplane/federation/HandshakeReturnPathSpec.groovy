package dev.entente.controlplane.federation

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.HubProcesses
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.HubLauncher
import dev.entente.controlplane.hub.RunningHub
import dev.entente.ca.tls.TlsState
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Duration

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.cliAs
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 13, "a hub with a wrong public URL or a one-way network path gets no usable signal": when
 * B accepts A's token, A calls B back at the public URL B announced before it uses the token. A
 * URL where nothing listens, one that reaches another hub, and a certificate outside its validity
 * (B's clock behind, then ahead) each fail the accept with the URL, the cause in words and the
 * fix; the token stays unused, and after the fix the same token links.
 */
@Stepwise
class HandshakeReturnPathSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '3s',
                             'entente.sweep.interval': '1s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared RunningHub c
    @Shared Path dirB
    @Shared Map proposal

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('return-a'), FAST + ['entente.hub.name': 'hub-a'])
        proposal = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json').json as Map
    }

    def cleanupSpec() {
        b?.stop()
        c?.stop()
        a?.stop()
    }

    def "B announces a public URL where nothing listens: the accept names it, says refused, and the fix"() {
        given:
        String wrong = 'https://127.0.0.1:' + HubProcesses.freePort()
        dirB = Files.createTempDirectory('return-b')
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.public-url': wrong])

        when:
        def r = accept(b, proposal.acceptance_token)

        then:
        r.code != 0
        r.problem.code == 'handshake_return_path_failed'
        r.problem.detail.contains(wrong)
        r.problem.detail.contains('refused')
        r.problem.detail.contains('ENTENTE_PUBLIC_URL')
        r.problem.detail.contains('was not used')
        !r.problem.detail.contains('java.')

        and: 'the token is not used: A still has the peer proposed, B has no peer'
        peerOnA().state == 'proposed'
        cli(b, 'peers', 'list', '--output', 'json').json == []

        and: 'the runbook section the code points at explains it'
        cli(b, 'doctor', '--explain', 'handshake_return_path_failed').out.contains('ENTENTE_PUBLIC_URL')
    }

    def "B's public URL reaches another hub: the accept says that URL answers with another certificate"() {
        given:
        c = TestHubs.start(Files.createTempDirectory('return-c'), ['entente.hub.name': 'hub-c'])
        b.stop()
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.public-url': c.url()])

        when:
        def r = accept(b, proposal.acceptance_token)

        then:
        r.problem.code == 'handshake_return_path_failed'
        r.problem.detail.contains(c.url())
        r.problem.detail.contains('answers with TLS certificate ' + c.bean(TlsState).current().fingerprint())
        r.problem.detail.contains('reaches another hub or service')
        peerOnA().state == 'proposed'
    }

    def "B's clock is 3 days behind: to B, A's certificate is not yet valid, and the accept says to check the clocks"() {
        given: 'B restarted with a clock 3 days behind and one-day certificates'
        b.stop()
        c.stop()
        dirB = Files.createTempDirectory('return-b-late')
        b = launch(dirB, Duration.ofDays(-3))

        when:
        def r = accept(b, proposal.acceptance_token)

        then: 'B judges by its own clock, as a real machine does, so the first call already fails on its side'
        r.problem.code == 'peer_unreachable'
        r.problem.detail.contains("the peer's TLS certificate not yet valid")
        r.problem.detail.contains('check the clocks')
        !(r.problem.detail =~ /java\.|Exception/)
        peerOnA().state == 'proposed'
    }

    def "B's clock corrected and its certificate renewed with 'entente tls rotate': the same token links"() {
        given:
        b.stop()
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.tls.cert-validity': '1d'])

        when:
        def rotated = cli(b, 'tls', 'rotate', '--output', 'json')
        def r = accept(b, proposal.acceptance_token)

        then:
        rotated.code == 0
        r.code == 0
        eventually(20) { peerOnA().state == 'active' }
    }

    def "a hub whose clock is 3 days ahead: its certificate is not yet valid to A, and the accept says to check the clocks"() {
        given:
        def next = cli(a, 'peers', 'propose', '--name', 'hub-d', '--output', 'json').json
        def ahead = launch(Files.createTempDirectory('return-d-early'), Duration.ofDays(3))

        when:
        def r = accept(ahead, next.acceptance_token)

        then:
        r.problem.code == 'handshake_return_path_failed'
        r.problem.detail.contains("the peer's TLS certificate")
        r.problem.detail.contains('not yet valid')
        r.problem.detail.contains('check the clocks')
        peer(next.peer.id).state == 'proposed'

        cleanup:
        ahead?.stop()
    }

    /**
     * {@code peers accept} on {@code hub}, its problem parsed from stderr after any warning the CLI
     * prints first (a hub serving an expired certificate gets one).
     */
    private static Map accept(RunningHub hub, String token) {
        def r = cliAs(hub, null, 'peers', 'accept', '--token', token)
        int start = r.err.indexOf('{')
        r + [problem: start < 0 ? null : new JsonSlurper().parseText(r.err.substring(start))]
    }

    private static RunningHub launch(Path dir, Duration clockOffset) {
        Map<String, Object> flags = ['entente.data-dir': dir.toString(), 'entente.hub.bind': '127.0.0.1',
                                     'entente.hub.port': 0, 'entente.hub.name': 'hub-skewed',
                                     'entente.tls.cert-validity': '1d'] + FAST
        HubLauncher.launch(flags, null, [:], Clock.offset(Clock.systemUTC(), clockOffset))
    }

    private Map peerOnA() {
        peer(proposal.peer.id)
    }

    private Map peer(String id) {
        HubHttp.get(a.url() + '/api/v1/peers/' + id, TestHubs.adminToken(a)).json as Map
    }
}
