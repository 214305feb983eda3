package dev.entente.controlplane.approval

import dev.entente.client.cli.Main
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.testkit.PostgresFixture
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.cliAs
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 17's follow-up, on a hub run as two replicas on one PostgreSQL: after a rekey on A1, A2
 * still holds the old key-encryption key until it restarts with the new passphrase. An approval
 * request A2 would seal secret arguments for (peer.accept's acceptance token) is refused with
 * key_vault_rekeyed rather than stored under a key nobody can open any more; once A2 runs on the
 * new passphrase, the request it stores opens on A1, where it is approved and runs.
 */
@Stepwise
class ApprovalReplicasSpec extends Specification {
    static final Map OLD = [ENTENTE_KEY_PASSPHRASE: 'approval replicas spec passphrase']
    static final String NEW_PASSPHRASE = 'the new passphrase of both approval replicas'
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s', 'entente.sweep.interval': '1s']

    @Shared PostgresFixture.TestDatabase db
    @Shared Map shared
    @Shared Path a2Dir
    @Shared RunningHub a1
    @Shared RunningHub a2
    @Shared RunningHub proposer
    @Shared Map<String, String> tokens = [:]

    def setupSpec() {
        db = PostgresFixture.emptyDatabase()
        shared = FAST + ['entente.hub.name'                      : 'hub-a', 'entente.db.url': db.jdbcUrl(), 'entente.db.user': db.user(),
                         'entente.db.password'                   : db.password(),
                         'entente.approvals.policy.peer.accept'  : 'require_approval']
        a2Dir = Files.createTempDirectory('approval-a2')
        a1 = TestHubs.start(Files.createTempDirectory('approval-a1'), shared, OLD)
        a2 = TestHubs.start(a2Dir, shared, OLD)
        proposer = TestHubs.start(Files.createTempDirectory('approval-proposer'), FAST + ['entente.hub.name': 'hub-p'])
        [alice: 'operator', bob: 'approver'].each { who, role ->
            tokens[who] = cli(a1, 'operators', 'token', 'issue', '--for', who, '--role', role, '--output', 'json').json.token
        }
    }

    def cleanupSpec() {
        [proposer, a2, a1].each { it?.stop() }
    }

    def "after a rekey on A1, A2 refuses to seal a request's secret arguments under its stale key"() {
        given:
        def next = Files.createTempFile('new-passphrase', '')
        next.text = NEW_PASSPHRASE
        def out = new StringWriter()
        def err = new StringWriter()
        assert Main.run(['keys', 'rekey', '--new-passphrase-file', next.toString(), '--output', 'json', '--data-dir',
                         a1.settings().dataDir().toString()] as String[], OLD, new PrintWriter(out), new PrintWriter(err)) == 0: err
        def proposal = cli(proposer, 'peers', 'propose', '--name', 'hub-a', '--output', 'json').json

        when:
        def r = cliAs(a2, tokens.alice, 'peers', 'accept', '--token', proposal.acceptance_token)

        then:
        r.code != 0
        r.problem.code == 'key_vault_rekeyed'
        r.problem.status == 503
        count('SELECT count(*) FROM approvals') == 0
    }

    def "once A2 runs on the new passphrase, the request it seals opens on A1, which approves and runs it"() {
        given:
        a2.stop()
        a2 = TestHubs.start(a2Dir, shared, [ENTENTE_KEY_PASSPHRASE: NEW_PASSPHRASE])
        def proposal = cli(proposer, 'peers', 'propose', '--name', 'hub-a-again', '--output', 'json').json

        when:
        def requested = cliAs(a2, tokens.alice, 'peers', 'accept', '--token', proposal.acceptance_token)

        then:
        requested.code == 0
        requested.json.approval.state == 'pending'
        count('SELECT count(*) FROM approvals WHERE sealed_secrets IS NOT NULL') == 1

        when:
        def approved = cliAs(a1, tokens.bob, 'approvals', 'approve', requested.json.approval.id as String)

        then:
        approved.code == 0
        approved.json.approval.state == 'executed'
        eventually(20) {
            HubHttp.get(proposer.url() + '/api/v1/peers/' + proposal.peer.id, TestHubs.adminToken(proposer)).json.state == 'active'
        }
    }

    private long count(String query) {
        def sql = groovy.sql.Sql.newInstance(db.jdbcUrl(), db.user(), db.password())
        try {
            sql.firstRow(query)[0] as long
        } finally {
            sql.close()
        }
    }
}
