package dev.entente.controlplane.security

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.access.CacheInvalidationListener
import dev.entente.testkit.PostgresFixture
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 14: a leaked operator token can be found and revoked. One hub runs as two replicas (R1,
 * R2) on one PostgreSQL: a token revoked on R1 is refused by R1 on the very next call and by R2
 * once the revocation's notice arrives, with {@code operator_token_revoked}; the list shows each
 * token's last use and never the token itself.
 */
@Stepwise
class OperatorTokenRevocationSpec extends Specification {
    /** Liveness only: far above any real notice delay, so a loaded machine does not flake. */
    static final int NOTICE_PATIENCE_SECONDS = 30

    @Shared PostgresFixture.TestDatabase db
    @Shared Map shared
    @Shared Map env = [ENTENTE_KEY_PASSPHRASE: 'operator token revocation spec']
    @Shared Path r2Dir
    @Shared RunningHub r1
    @Shared RunningHub r2
    @Shared String admin
    @Shared String leaked
    @Shared String leakedId

    def setupSpec() {
        db = PostgresFixture.emptyDatabase()
        shared = ['entente.hub.name': 'hub-r', 'entente.db.url': db.jdbcUrl(), 'entente.db.user': db.user(),
                  'entente.db.password': db.password()]
        r1 = TestHubs.start(Files.createTempDirectory('optokens-r1'), shared, env)
        r2Dir = Files.createTempDirectory('optokens-r2')
        r2 = TestHubs.start(r2Dir, shared, env)
        admin = TestHubs.adminToken(r1)
    }

    def cleanupSpec() {
        [r2, r1].each { it?.stop() }
    }

    def "an issued token is listed by its id with its last use, and the list never shows a token"() {
        given: 'an operator token, issued on R1'
        def issued = cli(r1, 'operators', 'token', 'issue', '--for', 'leaky', '--role', 'operator', '--output', 'json')
        assert issued.code == 0: issued.err
        leaked = issued.json.token

        when: 'it is used on both replicas'
        assert HubHttp.get("${r1.url()}/api/v1/status", leaked).status == 200
        assert HubHttp.get("${r2.url()}/api/v1/status", leaked).status == 200

        then: 'the list shows it with its last use, on either replica'
        eventually(NOTICE_PATIENCE_SECONDS) { listed(r2, 'leaky')?.last_used_at != null }

        when:
        def listing = cli(r1, 'operators', 'token', 'list', '--output', 'json')
        def row = listing.json.find { it.subject == 'leaky' }
        leakedId = row.id

        then:
        listing.code == 0
        row.roles == ['operator']
        row.issued_by == 'admin'
        row.expires_at != null
        row.revoked_at == null
        UUID.fromString(row.id)

        and: 'no token, neither the new one nor admin.token, is in the list'
        def raw = HubHttp.get("${r2.url()}/api/v1/operators/tokens", admin).text
        !raw.contains(leaked) && !raw.contains(admin)
        !listing.out.contains(leaked)
        !listing.json.any { it.containsKey('token') }
        listing.json.find { it.subject == 'admin' }.issued_by == 'system:hub'
    }

    def "a viewer can neither list nor revoke tokens (403)"() {
        given:
        String viewer = HubHttp.post("${r1.url()}/api/v1/operators/tokens", '{"subject":"watcher","role":"viewer"}', admin).json.token

        expect:
        with(HubHttp.post("${r1.url()}/api/v1/operators/tokens/$leakedId/revoke", '{"reason":"no"}', viewer)) {
            status == 403 && json.code == 'auth_role_forbidden'
        }
        HubHttp.get("${r1.url()}/api/v1/operators/tokens", viewer).status == 403
        HubHttp.get("${r1.url()}/api/v1/status", leaked).status == 200
    }

    def "a revoke needs a reason and a token the hub issued"() {
        expect:
        cli(r1, 'operators', 'token', 'revoke', leakedId).code != 0
        with(HubHttp.post("${r1.url()}/api/v1/operators/tokens/$leakedId/revoke", '{}', admin)) {
            status == 400 && json.code == 'invalid_request'
        }
        with(HubHttp.post("${r1.url()}/api/v1/operators/tokens/${UUID.randomUUID()}/revoke", '{"reason":"x"}', admin)) {
            status == 404 && json.code == 'not_found'
        }
        with(HubHttp.post("${r1.url()}/api/v1/operators/tokens/not-an-id/revoke", '{"reason":"x"}', admin)) {
            status == 400 && json.code == 'invalid_request'
        }
    }

    def "revoked on R1, the token is refused at once on R1 and on R2 once the notice arrives"() {
        when:
        def revoked = cli(r1, 'operators', 'token', 'revoke', leakedId, '--reason', 'pasted in a chat', '--output', 'json')

        then:
        revoked.code == 0
        revoked.json.revoked_at != null
        revoked.json.revoked_by == 'admin'
        revoked.json.revoke_reason == 'pasted in a chat'

        and: 'R1 refuses it on the next call, with its code and runbook'
        with(HubHttp.get("${r1.url()}/api/v1/status", leaked)) {
            status == 401
            json.code == 'operator_token_revoked'
            json.runbook == 'runbooks/operators-and-admin-api.md#operator_token_revoked'
        }

        and: 'R2 refuses it too'
        eventually(NOTICE_PATIENCE_SECONDS) { HubHttp.get("${r2.url()}/api/v1/status", leaked).json?.code == 'operator_token_revoked' }

        and: 'the revocation and the use after it are audited'
        def revocation = HubHttp.get("${r1.url()}/api/v1/audit?type=operator.token_revoked", admin).json
        revocation.size() == 1
        revocation[0].actor == 'admin'
        revocation[0].subject == 'leaky'
        revocation[0].details.jti == leakedId
        revocation[0].details.reason == 'pasted in a chat'
        HubHttp.get("${r1.url()}/api/v1/audit?type=access.denied&limit=1", admin).json[0].code == 'operator_token_revoked'

        and: 'the list shows it revoked'
        listed(r2, 'leaky').revoked_at == revoked.json.revoked_at
    }

    def "revoking a revoked token again changes nothing"() {
        when:
        def again = HubHttp.post("${r1.url()}/api/v1/operators/tokens/$leakedId/revoke", '{"reason":"twice"}', admin)

        then:
        again.status == 200
        again.json.revoke_reason == 'pasted in a chat'
        HubHttp.get("${r1.url()}/api/v1/audit?type=operator.token_revoked", admin).json.size() == 1
    }

    def "while R2's invalidation listener is down, R2 asks the database and still refuses a token revoked on R1"() {
        given: "a second operator token, working on R2"
        String other = HubHttp.post("${r1.url()}/api/v1/operators/tokens", '{"subject":"other","role":"operator"}', admin).json.token
        assert HubHttp.get("${r2.url()}/api/v1/status", other).status == 200
        String otherId = listed(r1, 'other').id

        when: "the listeners' connections are killed and the token revoked at once"
        terminateListeners()
        assert HubHttp.post("${r1.url()}/api/v1/operators/tokens/$otherId/revoke", '{"reason":"listener test"}', admin).status == 200

        then:
        eventually(NOTICE_PATIENCE_SECONDS) { HubHttp.get("${r2.url()}/api/v1/status", other).json?.code == 'operator_token_revoked' }
        HubHttp.get("${r2.url()}/api/v1/status", admin).status == 200
    }

    def "admin.token can be revoked, and restarting the hub writes a new one"() {
        given: "R2's own admin.token, revoked from R1"
        String old = TestHubs.adminToken(r2)
        String oldId = HubHttp.get("${r1.url()}/api/v1/operators/tokens", admin).json
                .find { it.subject == 'admin' && it.revoked_at == null && it.id != idOf(admin) }.id
        assert HubHttp.post("${r1.url()}/api/v1/operators/tokens/$oldId/revoke", '{"reason":"leaked"}', admin).status == 200
        eventually(NOTICE_PATIENCE_SECONDS) { HubHttp.get("${r2.url()}/api/v1/status", old).json?.code == 'operator_token_revoked' }

        when:
        r2.stop()
        r2 = TestHubs.start(r2Dir, shared, env)

        then:
        String fresh = TestHubs.adminToken(r2)
        fresh != old
        HubHttp.get("${r2.url()}/api/v1/status", fresh).status == 200
        HubHttp.get("${r2.url()}/api/v1/status", old).json.code == 'operator_token_revoked'
    }

    private Map listed(RunningHub replica, String subject) {
        HubHttp.get("${replica.url()}/api/v1/operators/tokens", admin).json.find { it.subject == subject } as Map
    }

    private void terminateListeners() {
        def sql = groovy.sql.Sql.newInstance(db.jdbcUrl(), db.user(), db.password())
        try {
            sql.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?",
                    [CacheInvalidationListener.APPLICATION_NAME])
        } finally {
            sql.close()
        }
    }

    private String idOf(String token) {
        r1.bean(OperatorTokens).verify(token).tokenId()
    }
}
