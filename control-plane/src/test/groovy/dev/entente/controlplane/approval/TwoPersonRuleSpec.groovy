package dev.entente.controlplane.approval

import dev.entente.lifecycle.db.Tx
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.util.zip.ZipFile

/**
 * Issue 11, items 3 and 6. The two-person rule trusted the token's sub: an admin minted an
 * approver token for subject "Admin" and approved their own request. Tokens now carry who minted
 * them (minted_by, signed), an approval from a token the requester minted (directly or through
 * tokens it minted) is approval_self_forbidden, and minting an approver token is itself gated.
 * And a pending peer.accept kept its acceptance token in clear in the approvals row: it is sealed.
 */
@Stepwise
class TwoPersonRuleSpec extends Specification {
    static final Map GATED = ['entente.approvals.policy.ca.rotate': 'require_approval',
                              'entente.approvals.policy.peer.accept': 'require_approval']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared Map<String, String> tokens = [:]
    @Shared String pendingRotation

    def setupSpec() {
        // 1 s heartbeats: the accepted peer turns active within the spec's wait, whatever the machine's load
        Map fast = ['entente.heartbeat.interval': '1s']
        a = TestHubs.start(Files.createTempDirectory('two-person-a'), GATED + fast + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(Files.createTempDirectory('two-person-b'), fast + ['entente.hub.name': 'hub-b',
                'entente.approvals.policy.ca.rotate': 'require_approval'])
        // hub-a's first approver: no approver exists yet, so minting it is not gated
        ['dana': 'approver', 'carol': 'admin', 'alice': 'operator'].each { who, role ->
            def r = cli(a, null, 'operators', 'token', 'issue', '--for', who, '--role', role)
            assert r.code == 0 && r.json.minted_by == ['admin']: r.err
            tokens[who] = r.json.token
        }
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "issue 11's attack: admin mints an approver token for 'Admin' and approves its own request: 403 approval_self_forbidden"() {
        when: 'on hub-b, whose first approver this is (so minting it is not gated)'
        def minted = cli(b, null, 'operators', 'token', 'issue', '--for', 'Admin', '--role', 'approver')
        tokens.Admin = minted.json.token

        then:
        minted.code == 0
        minted.json.minted_by == ['admin']

        when: 'admin asks for a rotation and "Admin" approves it'
        String id = cli(b, null, 'ca', 'rotate', 'start').json.approval.id
        def r = cli(b, 'Admin', 'approvals', 'approve', id)

        then:
        r.code == 1
        r.problem.code == 'approval_self_forbidden'
        r.problem.status == 403
        cli(b, null, 'approvals', 'list').json.find { it.id == id }.state == 'pending'
        cli(b, null, 'ca', 'status').json[0].phase == 'standby'

        when: 'a second approver for admin is now an approval request, which nobody admin minted may approve'
        def second = cli(b, null, 'operators', 'token', 'issue', '--for', 'admin2', '--role', 'approver')

        then:
        second.json.approval.state == 'pending'
        cli(b, 'Admin', 'approvals', 'approve', second.json.approval.id).problem.code == 'approval_self_forbidden'
    }

    def "once an approver exists, minting another approver token is an approval request"() {
        when:
        def bob = cli(a, 'carol', 'operators', 'token', 'issue', '--for', 'bob', '--role', 'approver')

        then: 'bob (an approver) is pending, with no token anywhere'
        bob.code == 0
        bob.json.token == null
        bob.json.approval.action == 'operator.token.issue'
        bob.json.approval.state == 'pending'
        bob.json.approval.requester == 'carol'
        bob.json.approval.requester_minted_by == ['admin']
        bob.json.collect == "entente approvals collect ${bob.json.approval.id}"
        Main.parses(bob.json.collect.split(' ').drop(1) as String[])
        rows("SELECT subject FROM operator_tokens WHERE subject = 'bob'").isEmpty()

        when: 'dana (minted by admin, not by carol) approves: the approver does not get the token'
        String id = bob.json.approval.id
        def approved = cli(a, 'dana', 'approvals', 'approve', id)

        then:
        approved.code == 0
        approved.json.approval.state == 'executed'
        approved.json.result.token == '(redacted)'
        approved.json.result.minted_by == ['admin', 'carol']
        approval(id).result_waiting == true
        !rawRow(id).contains('eyJ')

        when: 'someone else tries to collect it, then carol collects it, twice'
        def stolen = cli(a, 'dana', 'approvals', 'collect', id)
        def collected = cli(a, 'carol', 'approvals', 'collect', id)
        tokens.bob = collected.json?.result?.token
        def again = cli(a, 'carol', 'approvals', 'collect', id)

        then: 'only the requester, only once'
        stolen.problem.code == 'approval_requester_only'
        collected.code == 0
        tokens.bob.count('.') == 2
        again.problem.code == 'approval_result_unavailable'
        approval(id).result_waiting == false
        rows("SELECT minted_by FROM operator_tokens WHERE subject = 'bob'")[0].minted_by.array as List == ['admin', 'carol']
    }

    def "transitively: carol mints xavier (admin), xavier's approver yvonne cannot approve carol's request"() {
        given:
        tokens.xavier = cli(a, 'carol', 'operators', 'token', 'issue', '--for', 'xavier', '--role', 'admin').json.token
        String yvonneRequest = cli(a, 'xavier', 'operators', 'token', 'issue', '--for', 'yvonne', '--role', 'approver').json.approval.id
        assert cli(a, 'dana', 'approvals', 'approve', yvonneRequest).code == 0
        tokens.yvonne = cli(a, 'xavier', 'approvals', 'collect', yvonneRequest).json.result.token

        when:
        pendingRotation = cli(a, 'carol', 'ca', 'rotate', 'start').json.approval.id
        def r = cli(a, 'yvonne', 'approvals', 'approve', pendingRotation)

        then:
        r.problem.code == 'approval_self_forbidden'
        r.problem.approver_minted_by == ['admin', 'carol', 'xavier']
        approval(pendingRotation).state == 'pending'
    }

    def "an approver whose token the requester did not mint still approves"() {
        when: 'bob was minted under approval by carol too, so he may not approve her request either'
        def refused = cli(a, 'bob', 'approvals', 'approve', pendingRotation)
        def approved = cli(a, 'dana', 'approvals', 'approve', pendingRotation)

        then:
        refused.problem.code == 'approval_self_forbidden'
        approved.code == 0
        approved.json.approval.state == 'executed'
        approved.json.approval.approver == 'dana'
        phase() == 'init'
    }

    def "an approver named like someone in the requester's chain is refused (subjects compared ignoring case)"() {
        given: 'carol gets an approver token for "Carol", approved by dana'
        String mint = cli(a, 'carol', 'operators', 'token', 'issue', '--for', 'Carol', '--role', 'approver').json.approval.id
        assert cli(a, 'dana', 'approvals', 'approve', mint).code == 0
        tokens.Carol = cli(a, 'carol', 'approvals', 'collect', mint).json.result.token

        when: 'xavier, whom carol minted, asks; "Carol" approves'
        String id = cli(a, 'xavier', 'ca', 'rotate', 'advance').json.approval.id
        def r = cli(a, 'Carol', 'approvals', 'approve', id)

        then:
        r.problem.code == 'approval_self_forbidden'
        r.problem.requester_minted_by == ['admin', 'carol']
        cli(a, 'dana', 'approvals', 'approve', id).code == 0
        phase() == 'update_clients'
    }

    def "a pending peer.accept keeps its acceptance token sealed: not in the row, the listing or a backup; approving still accepts"() {
        given: 'hub-b proposes; alice (operator) asks hub-a to accept'
        def proposal = cli(b, null, 'peers', 'propose', '--name', 'hub-a').json
        String acceptance = proposal.acceptance_token

        when:
        def r = cli(a, 'alice', 'peers', 'accept', '--token', acceptance)
        String id = r.json.approval.id
        Path backup = Files.createTempDirectory('two-person-backup').resolve('a.zip')
        assert cli(a, null, 'backup', '--out', backup.toString()).code == 0

        then: 'the raw row has the sealed blob and no trace of the token'
        r.json.approval.state == 'pending'
        r.json.approval.arguments.token == '(redacted)'
        !rawRow(id).contains(acceptance)
        !rawRow(id).contains(acceptance.split('\\.')[1])
        rows("SELECT arguments FROM approvals WHERE id = '${id}'::uuid")[0].arguments.contains('(sealed)')
        rows("SELECT octet_length(sealed_secrets) AS n FROM approvals WHERE id = '${id}'::uuid")[0].n > acceptance.length()
        !cli(a, null, 'approvals', 'list').out.contains(acceptance)
        !zipText(backup).contains(acceptance)
        !zipText(backup).contains(acceptance.split('\\.')[1])

        when: 'dana approves: the accept runs with the unsealed token, and the sealed copy is dropped'
        def approved = cli(a, 'dana', 'approvals', 'approve', id)

        then:
        approved.code == 0
        approved.json.approval.state == 'executed'
        approved.json.result.peer.id != null
        rows("SELECT sealed_secrets FROM approvals WHERE id = '${id}'::uuid")[0].sealed_secrets == null
        TestHubs.eventually(20) {
            rows("SELECT state FROM peers WHERE id = '${approved.json.result.peer.id}'::uuid")[0].state == 'active'
        }
    }

    private List<Map> rows(String sql) {
        a.bean(Tx).read { c ->
            def out = []
            c.createStatement().withCloseable { st ->
                def rs = st.executeQuery(sql)
                def md = rs.metaData
                while (rs.next()) {
                    out << (1..md.columnCount).collectEntries { [(md.getColumnLabel(it)): rs.getObject(it)] }
                }
            }
            out
        }
    }

    /** The whole row as PostgreSQL renders it (bytea as hex), as an attacker reading the table sees it. */
    private String rawRow(String id) {
        rows("SELECT row_to_json(a)::text AS j FROM approvals a WHERE id = '${id}'::uuid")[0].j
    }

    private static String zipText(Path zip) {
        new ZipFile(zip.toFile()).withCloseable { z ->
            z.entries().toList().collect { z.getInputStream(it).text }.join('\n')
        }
    }

    private Map approval(String id) {
        cli(a, null, 'approvals', 'list').json.find { it.id == id }
    }

    private String phase() {
        cli(a, null, 'ca', 'status').json[0].phase
    }

    /** Runs the CLI on {@code hub} as {@code who} (a minted token), or with the local admin token. */
    private Map cli(RunningHub hub, String who, String... args) {
        TestHubs.cliAs(hub, who == null ? null : tokens[who], args)
    }
}
