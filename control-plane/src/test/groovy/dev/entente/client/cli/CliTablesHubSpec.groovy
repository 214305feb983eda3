package dev.entente.client.cli

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.tls.TlsState
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

/**
 * The columns {@link CliTablesSpec} checks on sample rows, against a real hub's answers: the
 * fields they read exist, and the ids and fingerprints the hub gives come out whole.
 */
class CliTablesHubSpec extends Specification {
    @Shared @AutoCleanup('stop') RunningHub hub = TestHubs.start()
    @Shared Map proposal

    def setupSpec() {
        proposal = TestHubs.cli(hub, 'peers', 'propose', '-n', 'hub-far', '--expires-in', '1h', '-o', 'json').json
        TestHubs.cli(hub, 'resources', 'put', 'service/web-1', '--attr', 'port=443')
        TestHubs.cli(hub, 'operators', 'token', 'issue', '--for', 'carol', '--role', 'viewer', '-o', 'json').json
    }

    def "entente #command prints #header with #what whole"() {
        when:
        def r = TestHubs.cli(hub, *command.split(' '))
        List<String> lines = r.out.readLines()

        then:
        r.code == 0
        lines[0].split(/ {2,}/).toList() == header
        lines.drop(1).any { it.contains(whole()) }

        where:
        command                | what                        | whole                                                       || header
        'peers list'           | 'the peer id'               | { -> proposal.peer.id }                                     || ['NAME', 'STATE', 'LAST HEARTBEAT', 'CERT EXPIRES', 'ID']
        'peers list --detail'  | 'the peer id'               | { -> proposal.peer.id }                                     || ['NAME', 'STATE', 'LAST HEARTBEAT', 'SENT/RECEIVED/FAILED', 'CLOCK SKEW', 'CERT EXPIRES', 'CA PHASE', 'ID']
        'resources list'       | 'the attributes'            | { -> 'port=443' }                                           || ['KIND', 'NAME', 'INSTANCE', 'NETWORK', 'ATTRIBUTES']
        'operators token list' | "carol's token id"          | { -> TestHubs.cli(hub, 'operators', 'token', 'list', '-o', 'json').json.find { it.subject == 'carol' }.id }                                             || ['ID', 'SUBJECT', 'ROLES', 'ISSUED BY', 'EXPIRES', 'LAST USED', 'REVOKED']
        'ca status'            | 'the active CA fingerprint' | { -> TestHubs.cli(hub, 'ca', 'status', '-o', 'json').json[0].active_fingerprint } || ['TYPE', 'PHASE', 'SINCE', 'LAGGARDS', 'ACTIVE FINGERPRINT', 'STANDBY FINGERPRINT']
        'audit ls'             | 'the peer id'               | { -> proposal.peer.id }                                     || ['SEQ', 'AT', 'TYPE', 'CODE', 'ACTOR', 'SUBJECT']
        'approvals policy list'| 'an action'                 | { -> 'peer.revoke' }                                        || ['ACTION', 'POLICY', 'CONFIGURED', 'SOURCE', 'SET BY', 'UNTIL', 'REASON']
    }

    def "peers show and tls info print fingerprints whole"() {
        given:
        String fingerprint = hub.bean(TlsState).current().fingerprint()

        expect:
        TestHubs.cli(hub, 'tls', 'info').out.contains(fingerprint)
        TestHubs.cli(hub, 'peers', 'show', proposal.peer.id as String).out.contains(proposal.peer.id as String)
    }
}
