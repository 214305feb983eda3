package dev.entente.controlplane.keys

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import dev.entente.testkit.PostgresFixture
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files

import static dev.entente.controlplane.TestHubs.adminToken
import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 17, rotations on a hub run as two replicas on one PostgreSQL: a rotation made on A1
 * reaches A2 through the V23 notice, so A2 refuses the retired key's tokens and signs with the new
 * keys at once; a rekey made on A1 leaves A2 holding the old key-encryption key, which it then
 * refuses to seal under, and its doctor says so (DR028), as it says A2's admin.token was signed by
 * the retired key (DR029).
 */
@Stepwise
class KeyReplicasSpec extends Specification {
    static final Map ENV = [ENTENTE_KEY_PASSPHRASE: 'key replicas spec passphrase']
    @Shared PostgresFixture.TestDatabase db
    @Shared RunningHub a1
    @Shared RunningHub a2
    @Shared String olga

    def setupSpec() {
        db = PostgresFixture.emptyDatabase()
        Map shared = ['entente.hub.name': 'hub-a', 'entente.db.url': db.jdbcUrl(), 'entente.db.user': db.user(),
                      'entente.db.password': db.password()]
        a1 = TestHubs.start(Files.createTempDirectory('keys-a1'), shared, ENV)
        a2 = TestHubs.start(Files.createTempDirectory('keys-a2'), shared, ENV)
        olga = cli(a1, 'operators', 'token', 'issue', '--for', 'olga', '--role', 'operator', '--output', 'json').json.token
    }

    def cleanupSpec() {
        [a2, a1].each { it?.stop() }
    }

    def "a token-signing rotation on A1 is enforced by A2, which signs with the new key"() {
        given:
        assert HubHttp.get(a2.url() + '/api/v1/status', olga).status == 200

        when:
        def r = cli(a1, 'keys', 'rotate', '--type', 'token-signing', '--output', 'json')

        then:
        r.code == 0
        eventually(10) { HubHttp.get(a2.url() + '/api/v1/status', olga).json.code == 'auth_token_key_rotated' }
        HubHttp.get(a2.url() + '/api/v1/status', adminToken(a1)).status == 200

        when: 'A2 mints a token'
        def minted = HubHttp.post(a2.url() + '/api/v1/operators/tokens', '{"subject":"otto","role":"viewer"}', adminToken(a1)).json.token

        then: 'it is signed with the new key, and A1 takes it'
        HubHttp.get(a1.url() + '/api/v1/status', minted).status == 200

        and: 'A2\'s own admin.token is still signed by the retired key: its doctor says so'
        HubHttp.get(a2.url() + '/api/v1/status', adminToken(a2)).json.code == 'auth_token_key_rotated'
        findings(a2, 'DR029').size() == 1
        findings(a1, 'DR029').isEmpty()
    }

    def "an audit-hmac rotation on A1 makes A2 sign its next events with the new key"() {
        when:
        String key = cli(a1, 'keys', 'rotate', '--type', 'audit-hmac', '--output', 'json').json.key_id
        Thread.sleep(1500)
        assert HubHttp.send(java.net.http.HttpRequest.newBuilder(URI.create(a2.url() + '/api/v1/resources/service/web-9'))
                .header('Content-Type', 'application/json').PUT(java.net.http.HttpRequest.BodyPublishers.ofString('{}')),
                adminToken(a1)).status == 200

        then:
        keyOfLastEvent('resource.put') == key
        cli(a1, 'audit', 'verify', '--output', 'json').json.ok
    }

    def "a rekey on A1 leaves A2 on the old key: it refuses to seal under it, and its doctor says so"() {
        given:
        def next = Files.createTempFile('new-passphrase', '')
        next.text = 'the new passphrase of both replicas'

        when:
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(['keys', 'rekey', '--new-passphrase-file', next.toString(), '--output', 'json', '--data-dir',
                             a1.settings().dataDir().toString()] as String[], ENV, new PrintWriter(out), new PrintWriter(err))
        def r = [code: code, json: out.toString().trim() ? new JsonSlurper().parseText(out.toString()) : null, err: err.toString()]

        then: 'the current passphrase came from the environment, as start read it'
        assert r.code == 0: r.err
        r.json.passphrase == 'ENTENTE_KEY_PASSPHRASE'
        eventually(10) { findings(a2, 'DR028').size() == 1 }
        findings(a1, 'DR028').isEmpty()

        when:
        def rotate = HubHttp.post(a2.url() + '/api/v1/tls/rotate', '{}', adminToken(a1))

        then:
        rotate.status == 503
        rotate.json.code == 'key_vault_rekeyed'
        HubHttp.post(a1.url() + '/api/v1/tls/rotate', '{}', adminToken(a1)).status == 200
    }

    // Both replicas verify the one hub's tokens: A1's admin.token, re-issued by its rotation, is current.
    private List findings(RunningHub hub, String code) {
        HubHttp.get(hub.url() + '/api/v1/doctor', adminToken(a1)).json.findings.findAll { it.code == code }
    }

    private String keyOfLastEvent(String type) {
        def sql = groovy.sql.Sql.newInstance(db.jdbcUrl(), db.user(), db.password())
        try {
            sql.firstRow('SELECT key_id FROM audit_events WHERE type = ? ORDER BY seq DESC LIMIT 1', [type]).key_id
        } finally {
            sql.close()
        }
    }
}
