package dev.entente.client.cli

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.tls.TlsState
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files

/**
 * An operator on another machine: no data dir of the hub, only its URL, a token and the
 * fingerprint 'entente tls info' printed, from flags or from the environment of their shell.
 */
class RemoteHubEnvSpec extends Specification {
    @Shared @AutoCleanup('stop') RunningHub hub = TestHubs.start()
    @Shared String url
    @Shared String fingerprint

    def setupSpec() {
        url = "https://127.0.0.1:${hub.bean(dev.entente.controlplane.hub.HubIdentity).boundPort()}"
        fingerprint = hub.bean(TlsState).current().fingerprint()
    }

    def "ENTENTE_HUB and ENTENTE_TLS_FINGERPRINT reach the hub with the pin written as #form"() {
        given:
        def empty = Files.createTempDirectory('remote-operator')

        when:
        def r = run(['status', '--output', 'json', '--data-dir', empty.toString()],
                [ENTENTE_TOKEN: TestHubs.adminToken(hub), ENTENTE_HUB: url, ENTENTE_TLS_FINGERPRINT: pin(fingerprint)])

        then:
        r.code == 0
        r.json.hub_id

        where:
        form                     | pin
        'plain hex'              | { String f -> f }
        'sha256: and colons'     | { String f -> 'sha256:' + f.toUpperCase().toList().collate(2)*.join().join(':') }
        'SHA256: upper case'     | { String f -> 'SHA256:' + f.toUpperCase() }
        'colons only'            | { String f -> f.toList().collate(2)*.join().join(':') }
    }

    def "flags win over the environment"() {
        given:
        def empty = Files.createTempDirectory('remote-operator')

        when:
        def r = run(['status', '--output', 'json', '--data-dir', empty.toString(), '--hub', url, '--tls-fingerprint',
                     'sha256:' + fingerprint],
                [ENTENTE_TOKEN: TestHubs.adminToken(hub), ENTENTE_HUB: 'https://127.0.0.1:1', ENTENTE_TLS_FINGERPRINT: 'ab' * 32])

        then:
        r.code == 0
    }

    def "a pin that is not a SHA-256 is refused before any connection: '#bad'"() {
        given:
        def empty = Files.createTempDirectory('remote-operator')

        when:
        def r = run(['status', '--output', 'json', '--data-dir', empty.toString(), '--tls-fingerprint', bad],
                [ENTENTE_TOKEN: TestHubs.adminToken(hub), ENTENTE_HUB: url])

        then:
        r.code != 0
        r.problem.code == 'invalid_request'
        r.problem.detail.startsWith('--tls-fingerprint must be a SHA-256 fingerprint: 64 hex digits')

        where:
        bad << ['sha1:abcd', 'sha256:' + 'zz' * 32, 'ab' * 31]
    }

    private static Map run(List<String> args, Map<String, String> env) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(args as String[], env, new PrintWriter(out), new PrintWriter(err))
        String text = out.toString().trim()
        String errText = err.toString().trim()
        [code   : code, json: text.startsWith('{') ? new JsonSlurper().parseText(text) : null,
         problem: errText.startsWith('{') ? new JsonSlurper().parseText(errText) : null, err: errText]
    }
}
