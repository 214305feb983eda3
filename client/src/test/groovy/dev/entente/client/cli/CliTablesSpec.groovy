package dev.entente.client.cli

import com.fasterxml.jackson.databind.JsonNode
import groovy.json.JsonOutput
import spock.lang.Specification

import java.time.Duration
import java.time.Instant

/**
 * Issue 14 ("CLI output"): a list command prints the columns an operator scans, not every field
 * (peers list was ~290 columns wide), and never cuts an id or a fingerprint short; JSON keeps all.
 */
class CliTablesSpec extends Specification {
    static final String UUID_1 = '0b7e5a0c-3f1d-4c59-9a51-2f0d3c1e7b42'
    static final String UUID_2 = 'c4d2a8e1-6b0f-4e3a-8d57-91a2b3c4d5e6'
    static final String FINGERPRINT = 'a3f1c9e07b5d2846f0e1d2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a493827'
    static final String FINGERPRINT_2 = '11f1c9e07b5d2846f0e1d2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a4938ff'

    def "#command prints #header and #whole whole"() {
        given:
        def out = new StringWriter()

        when:
        Output.print(new PrintWriter(out), 'table', node(rows), columns)
        List<String> lines = out.toString().readLines()

        then:
        lines[0].split(/ {2,}/).toList() == header
        lines.size() == rows.size() + 1
        lines[1].contains(whole)
        lines.every { it.length() <= width }

        where:
        command                  | columns                                        | rows                                                    | width || header                                                                                  | whole
        'peers list'             | PeersCommand.ListPeers.COLUMNS                 | [peer()]                                                | 100   || ['NAME', 'STATE', 'LAST HEARTBEAT', 'CERT EXPIRES', 'ID']                                | UUID_1
        'peers list --detail'    | PeersCommand.ListPeers.DETAIL_COLUMNS          | [peer() + [heartbeats_sent: 12, heartbeats_received: 11,
                                                                                              heartbeats_failed: 1, clock_skew_ms: -3, remote_ca_phase: 'stable']] | 140 || ['NAME', 'STATE', 'LAST HEARTBEAT', 'SENT/RECEIVED/FAILED', 'CLOCK SKEW', 'CERT EXPIRES', 'CA PHASE', 'ID'] | UUID_1
        'grants list'            | GrantsCommand.ListGrants.COLUMNS               | [grant()]                                               | 120   || ['ID', 'PEER', 'STATE', 'SCOPES', 'EXPIRES', 'AUTO RENEW']                              | UUID_2
        'resources list'         | ResourcesCommand.COLUMNS                       | [resource()]                                            | 100   || ['KIND', 'NAME', 'INSTANCE', 'NETWORK', 'ATTRIBUTES']                                   | 'port=443,zone=eu-1'
        'remote resources list'  | ResourcesCommand.COLUMNS                       | [resource()]                                            | 100   || ['KIND', 'NAME', 'INSTANCE', 'NETWORK', 'ATTRIBUTES']                                   | 'web-1'
        'approvals list'         | ApprovalsCommand.ListApprovals.COLUMNS         | [approval()]                                            | 140   || ['ID', 'ACTION', 'STATE', 'REQUESTER', 'CREATED', 'EXPIRES', 'APPROVER']                | UUID_1
        'approvals policy list'  | ApprovalsCommand.ListPolicies.COLUMNS          | [policy()]                                              | 140   || ['ACTION', 'POLICY', 'CONFIGURED', 'SOURCE', 'SET BY', 'UNTIL', 'REASON']               | 'peer.revoke'
        'operators token list'   | OperatorsCommand.Token.ListTokens.COLUMNS      | [token()]                                               | 120   || ['ID', 'SUBJECT', 'ROLES', 'ISSUED BY', 'EXPIRES', 'LAST USED', 'REVOKED']             | UUID_1
        'audit ls'               | AuditCommand.COLUMNS                           | [record()]                                              | 140   || ['SEQ', 'AT', 'TYPE', 'CODE', 'ACTOR', 'SUBJECT']                                       | UUID_2
        'events'                 | EventsCommand.COLUMNS                          | [record() + [source: 'heartbeat_sweep']]                | 140   || ['SEQ', 'AT', 'SOURCE', 'TYPE', 'CODE', 'ACTOR', 'SUBJECT']                             | UUID_2
        'findings list'          | FindingsCommand.ListFindings.COLUMNS           | [finding()]                                             | 200   || ['CODE', 'SEVERITY', 'SUBJECT', 'FIRST SEEN', 'RESOLVED', 'DETAIL']                     | FINGERPRINT
        'ca status'              | CaCommand.Status.COLUMNS                       | [ca()]                                                  | 200   || ['TYPE', 'PHASE', 'SINCE', 'LAGGARDS', 'ACTIVE FINGERPRINT', 'STANDBY FINGERPRINT']   | FINGERPRINT_2
        'ca status (laggards)'   | CaCommand.Status.LAGGARD_COLUMNS               | ca().laggard_peers                                      | 140   || ['NAME', 'STATE', 'LAST HEARTBEAT', 'SIGNERS', 'URL', 'PEER ID']                       | UUID_1
    }

    def "peers list shows ages, not timestamps: #field"() {
        given:
        def out = new StringWriter()

        when:
        Output.print(new PrintWriter(out), 'table', node([peer()]), PeersCommand.ListPeers.COLUMNS)
        String row = out.toString().readLines()[1]

        then:
        row =~ age
        !row.contains(peer()[field] instanceof Map ? peer()[field].not_after : peer()[field])

        where:
        field               || age
        'last_heartbeat_at' || / 1[0-9]s ago /
        'node_cert'         || / in 29d /
    }

    def "in JSON every field stays, whatever the table picks"() {
        given:
        def out = new StringWriter()

        when:
        Output.print(new PrintWriter(out), 'json', node([peer()]), PeersCommand.ListPeers.COLUMNS)

        then:
        out.toString().contains('"tls_fingerprints"')
        out.toString().contains(FINGERPRINT)
    }

    def "a list no command picked columns for still prints whole cells"() {
        given:
        def out = new StringWriter()

        when:
        Output.print(new PrintWriter(out), 'table', node([[fingerprints: [FINGERPRINT, FINGERPRINT_2], id: UUID_1]]))

        then:
        out.toString().readLines()[0] ==~ /FINGERPRINTS\s+ID/
        out.toString().contains(FINGERPRINT + ',' + FINGERPRINT_2)
    }

    def "an answer's list of records (grants explain's checks) is a table under its key, fingerprints whole"() {
        given:
        def out = new StringWriter()

        when:
        Output.print(new PrintWriter(out), 'table', node([applies: false, code: 'grant_scope_denied', checks: [
                [check: 'peer', ok: true, detail: 'peer ' + UUID_1 + ' is active'],
                [check: 'pin', ok: false, detail: 'pinned ' + FINGERPRINT]]]))
        List<String> lines = out.toString().readLines()

        then:
        lines[0] ==~ /applies\s+false/
        lines[2] == 'checks:'
        lines[3] ==~ /  CHECK\s+OK\s+DETAIL/
        lines[4].contains(UUID_1)
        lines[5].startsWith('  pin ') && lines[5].endsWith(FINGERPRINT)
    }

    def "a time is shown as #expected from now"() {
        given:
        Instant now = Instant.parse('2026-11-28T12:00:00Z')

        expect:
        Output.relative(node(time == null ? null : now.plus(offset).toString()), now) == expected

        where:
        time | offset                  || expected
        null | Duration.ZERO           || '-'
        'x'  | Duration.ofSeconds(-12) || '12s ago'
        'x'  | Duration.ofMinutes(-5)  || '5m ago'
        'x'  | Duration.ofMinutes(-45) || '45m ago'
        'x'  | Duration.ofHours(36)    || 'in 36h'
        'x'  | Duration.ofDays(29)     || 'in 29d'
    }

    private static JsonNode node(Object value) {
        Output.JSON.readTree(JsonOutput.toJson(value))
    }

    private static Map peer() {
        [id               : UUID_1, name: 'hub-b', hub_id: 'hub_3f9a2c1b', url: 'https://hub-b.example:7443', state: 'active',
         last_heartbeat_at: Instant.now().minusSeconds(12).toString(), degraded_reason: null,
         tls_fingerprints : [FINGERPRINT, FINGERPRINT_2],
         node_cert        : [serial: '7f3a', not_after: Instant.now().plus(Duration.ofDays(29)).plusSeconds(3600).toString(),
                             signer_fingerprint: FINGERPRINT], version: 4]
    }

    private static Map grant() {
        [id: UUID_2, peer_id: UUID_1, state: 'active', permission_scopes: ['read', 'write'], instance_ids: ['i-1'], network_ids: [],
         source_cidrs: ['10.0.0.0/8'], expires_at: Instant.now().plus(Duration.ofDays(30)).toString(), auto_renew: true,
         max_expires_at: Instant.now().plus(Duration.ofDays(365)).toString(), renewed_count: 0, renews: 'auto until 2027-11-28T00:00:00Z']
    }

    private static Map resource() {
        [kind: 'service', name: 'web-1', instance_id: 'i-1', network_id: 'n-1', attributes: [port: '443', zone: 'eu-1']]
    }

    private static Map approval() {
        [id: UUID_1, action: 'grant.issue.write', requester: 'alice', requester_minted_by: ['system:hub'], arguments: [peer: 'hub-b'],
         state: 'pending', approver: null, reason: null, result: null, result_waiting: false,
         created_at: Instant.now().minusSeconds(60).toString(), expires_at: Instant.now().plus(Duration.ofHours(24)).toString()]
    }

    private static Map policy() {
        [action: 'peer.revoke', policy: 'auto', source: 'database', configured: 'require_approval', set_by: 'alice',
         reason: 'incident 42', set_at: Instant.now().toString(), until: Instant.now().plus(Duration.ofMinutes(30)).toString(), lowered: true]
    }

    private static Map token() {
        [id: UUID_1, subject: 'bob', roles: ['viewer'], issued_by: 'system:hub', issued_at: Instant.now().toString(),
         expires_at: Instant.now().plus(Duration.ofDays(30)).toString(), minted_by: ['system:hub'], last_used_at: null,
         revoked_at: null, revoked_by: null, revoke_reason: null]
    }

    private static Map record() {
        [seq: 4711, at: '2026-11-28T12:00:00.123456Z', type: 'grant.issued', code: null, actor: 'operator:alice', subject: UUID_2,
         details: [scopes: ['read'], peer: UUID_1]]
    }

    private static Map finding() {
        [id: UUID_2, code: 'cert_expiring', subject: FINGERPRINT, severity: 'warning',
         detail: 'the TLS certificate expires at 2026-12-05T00:00:00Z', first_seen_at: Instant.now().minusSeconds(3600).toString(),
         last_seen_at: Instant.now().toString(), resolved_at: null]
    }

    private static Map ca() {
        [type: 'federation', phase: 'update_clients', since: Instant.now().minusSeconds(600).toString(), active_fingerprint: FINGERPRINT,
         standby_fingerprint: FINGERPRINT_2, laggards: [UUID_1],
         laggard_peers: [[peer_id: UUID_1, name: 'hub-b', url: 'https://hub-b.example:7443', state: 'active',
                          last_heartbeat_at: Instant.now().minusSeconds(5).toString(),
                          node_certs: [[serial: '7f3a', signer: 'old', signer_fingerprint: FINGERPRINT, not_after: Instant.now().toString()]]]]]
    }
}
