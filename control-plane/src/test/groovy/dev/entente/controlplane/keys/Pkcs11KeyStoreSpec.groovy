package dev.entente.controlplane.keys

import dev.entente.ca.vault.Pkcs11Token
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.SoftHsm
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import dev.entente.lifecycle.db.Tx
import groovy.json.JsonSlurper
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.util.zip.ZipFile

import static dev.entente.controlplane.TestHubs.adminToken
import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.cliAs
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 17, {@code entente.keys.store: pkcs11} on a real SoftHSM2 token the spec initialises:
 * hub A keeps its federation CA keys and its token-signing key in the token (ECDSA P-256, ES256
 * tokens), hub B keeps everything sealed. They link, B calls A with a grant over mTLS (its node
 * certificate signed in A's token), A rotates its token-signing key and runs a full CA rotation
 * and a rolled-back one; no private key of those kinds is then in A's database or its backup.
 */
@Stepwise
@Requires(value = { SoftHsm.available() }, reason = 'softhsm2 is not installed (CI installs the Debian package softhsm2)')
class Pkcs11KeyStoreSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '10s',
                             'entente.sweep.interval': '1s']
    @Shared Path work = Files.createTempDirectory('pkcs11-spec')
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String grant

    def setupSpec() {
        a = TestHubs.start(work.resolve('a'), FAST + SoftHsm.settings('spec-a') + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(work.resolve('b'), FAST + ['entente.hub.name': 'hub-b'])
    }

    def cleanupSpec() {
        [b, a].each { it?.stop() }
    }

    def "A's CA and token-signing keys are ECDSA P-256 in the token; its TLS key stays sealed"() {
        when:
        def keys = cli(a, 'keys', 'list', '--output', 'json').json
        def token = a.bean(Pkcs11Token)

        then:
        def signing = keys.find { it.type == 'token-signing' }
        def ca = keys.find { it.type == 'federation-ca' }
        [signing, ca]*.store == ['pkcs11:spec-a', 'pkcs11:spec-a']
        [signing, ca]*.algorithm == ['EC-P256', 'EC-P256']
        token.aliases().containsAll([signing.id, ca.id])
        keys.find { it.type == 'tls' }.store == 'sealed'
        keys.find { it.type == 'audit-hmac' }.store == 'sealed'
    }

    def "ca status and tls info say where the keys live and why they are ECDSA P-256 / ES256"() {
        when:
        def ca = cli(a, 'ca', 'status', '--output', 'json').json[0]
        def tls = cli(a, 'tls', 'info', '--output', 'json').json
        def tlsB = cli(b, 'tls', 'info', '--output', 'json').json

        then:
        ca.key_algorithm == 'ECDSA P-256'
        ca.key_store == 'pkcs11:spec-a'
        tls.token_signing_alg == 'ES256'
        tls.token_signing_store == 'pkcs11:spec-a'
        tlsB.token_signing_alg == 'EdDSA'
        tlsB.token_signing_store == 'sealed'
    }

    def "A's tokens are ES256; EdDSA, none and HS256 are refused before any signature work"() {
        given:
        String admin = adminToken(a)

        expect:
        header(admin).alg == 'ES256'
        HubHttp.get(a.url() + '/api/v1/status', admin).status == 200
        HubHttp.get(a.url() + '/api/v1/status', withAlg(admin, 'EdDSA')).json.code == 'auth_token_alg_forbidden'
        HubHttp.get(a.url() + '/api/v1/status', withAlg(admin, 'none')).json.code == 'auth_token_alg_forbidden'
        HubHttp.get(a.url() + '/api/v1/status', withAlg(admin, 'HS256')).json.code == 'auth_token_alg_forbidden'
        HubHttp.get(b.url() + '/api/v1/status', withAlg(adminToken(b), 'ES256')).json.code == 'auth_token_alg_forbidden'
    }

    def "A and B link (an ES256 acceptance token) and B calls A with a grant over mTLS"() {
        when:
        TestHubs.link(a, b, 'hub-b')
        assert cli(a, 'resources', 'put', 'service/web-1', '--instance', 'i-1').code == 0
        grant = cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--instances', 'i-1', '--output', 'json').json.bearer_token

        then:
        remoteCall() == ['web-1']
    }

    def "a token-signing rotation makes the new key in the token and destroys the retired one there"() {
        given:
        String before = cli(a, 'keys', 'list', '--type', 'token-signing', '--output', 'json').json[0].id
        String oldAdmin = adminToken(a)

        when:
        def r = cli(a, 'keys', 'rotate', '--type', 'token-signing', '--output', 'json')
        def keys = cli(a, 'keys', 'list', '--type', 'token-signing', '--output', 'json').json

        then:
        r.code == 0
        keys.find { it.id == r.json.key_id }.store == 'pkcs11:spec-a'
        keys.find { it.id == before }.status == 'retired'
        a.bean(Pkcs11Token).aliases().contains(r.json.key_id)
        !a.bean(Pkcs11Token).aliases().contains(before)
        HubHttp.get(a.url() + '/api/v1/status', oldAdmin).json.code == 'auth_token_key_rotated'
        HubHttp.get(a.url() + '/api/v1/status', adminToken(a)).status == 200
        remoteCall() == ['web-1']
    }

    def "a full CA rotation: the new key is made in the token and signs B's renewed certificate there"() {
        when:
        assert cli(a, 'ca', 'rotate', 'start').code == 0
        assert cli(a, 'ca', 'rotate', 'advance').code == 0

        then: 'B renews under the new key: the laggards drain'
        eventually(40) { cli(a, 'ca', 'status', '--output', 'json').json[0].laggard_peers == [] }

        when:
        assert cli(a, 'ca', 'rotate', 'advance').code == 0
        assert cli(a, 'ca', 'rotate', 'advance').code == 0
        def ca = cli(a, 'keys', 'list', '--type', 'federation-ca', '--output', 'json').json

        then:
        cli(a, 'ca', 'status', '--output', 'json').json[0].phase == 'standby'
        ca*.status == ['retired', 'current']
        ca*.store == ['pkcs11:spec-a', 'pkcs11:spec-a']
        a.bean(Pkcs11Token).aliases().contains(ca[1].id)
        eventually(20) { remoteCall() == ['web-1'] }
    }

    def "a CA rotation rolled back: the standby made in the token is discarded, the current key signs on"() {
        when:
        assert cli(a, 'ca', 'rotate', 'start').code == 0
        assert cli(a, 'ca', 'rotate', 'advance').code == 0
        eventually(40) { cli(a, 'ca', 'status', '--output', 'json').json[0].laggard_peers == [] }
        assert cli(a, 'ca', 'rotate', 'rollback').code == 0
        eventually(40) { cli(a, 'ca', 'status', '--output', 'json').json[0].laggard_peers == [] }
        assert cli(a, 'ca', 'rotate', 'advance').code == 0
        def ca = cli(a, 'keys', 'list', '--type', 'federation-ca', '--output', 'json').json

        then:
        cli(a, 'ca', 'status', '--output', 'json').json[0].phase == 'standby'
        ca*.status == ['retired', 'current', 'retired']
        eventually(20) { remoteCall() == ['web-1'] }
    }

    def "no private key of those kinds is in A's database: their catalogue rows hold no key material"() {
        when:
        List<Map> rows = a.bean(Tx).read { c ->
            def out = []
            def rs = c.prepareStatement("SELECT id, purpose, store, sealed_secret FROM sealed_keys "
                    + "WHERE purpose IN ('jwt', 'ca_federation')").executeQuery()
            while (rs.next()) {
                out << [id: rs.getString(1), purpose: rs.getString(2), store: rs.getString(3), secret: rs.getBytes(4)]
            }
            out
        }

        then:
        rows*.purpose.toSet() == ['jwt', 'ca_federation'] as Set
        rows.size() == 5
        rows.every { it.store == 'pkcs11' && it.secret == null }
    }

    def "nor in the backup: the archive's sealed_keys rows for them have no sealed secret"() {
        given:
        Path backup = work.resolve('a.backup')

        when:
        assert cli(a, 'backup', '--out', backup.toString(), '--output', 'json').code == 0
        List<List<String>> rows = new ZipFile(backup.toFile()).withCloseable { zip ->
            zip.getInputStream(zip.getEntry('tables/sealed_keys.copy')).text.readLines()*.split('\t', -1)*.toList()
        }
        def tokenRows = rows.findAll { it[1] in ['jwt', 'ca_federation'] }

        then:
        tokenRows.size() == 5
        tokenRows.every { it[7] == '\\N' && it.last() == 'pkcs11' }
    }

    def "restore checks the token holds every key in use: refused without one, or with another, and nothing is created"() {
        given:
        List<String> base = ['restore', '--from', work.resolve('a.backup').toString(), '--passphrase-file',
                             work.resolve('a/passphrase').toString(), '--output', 'json']
        List<String> token = ['--pkcs11-library', SoftHsm.LIBRARY, '--pkcs11-pin-file', SoftHsm.pinFile().toString()]

        when:
        def none = run(base + ['--data-dir', work.resolve('r-none').toString()])
        def other = run(base + token + ['--pkcs11-token-label', 'spec-empty', '--data-dir', work.resolve('r-other').toString()])
        def same = run(base + token + ['--pkcs11-token-label', 'spec-a', '--data-dir', work.resolve('r-same').toString()])

        then:
        none.problem.code == 'pkcs11_key_missing'
        none.problem.detail.contains('--pkcs11-token-label')
        other.problem.code == 'pkcs11_key_missing'
        other.problem.detail.contains("token 'spec-empty' does not hold keys")
        !Files.exists(work.resolve('r-none/pg')) && !Files.exists(work.resolve('r-other/pg'))
        same.code == 0
        same.json.audit.ok
    }

    def "doctor: a key in use deleted from the token is DR031, naming it"() {
        given:
        String current = cli(a, 'keys', 'list', '--type', 'token-signing', '--output', 'json').json.find { it.status == 'current' }.id

        when:
        a.bean(Pkcs11Token).destroy(current)
        def findings = cli(a, 'doctor', '--output', 'json').json.findings

        then:
        findings.find { it.code == 'DR031' }.subject == current
        findings.find { it.code == 'DR031' }.diagnosis.contains("PKCS#11 token 'spec-a', which does not hold it")
        !findings.any { it.code == 'DR030' }
        cli(a, 'doctor', '--explain', 'DR031').out.contains('DR031')
    }

    private static Map run(List<String> args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(args as String[], [:], new PrintWriter(out), new PrintWriter(err))
        def text = out.toString().trim()
        def errText = err.toString().trim()
        [code   : code, json: text.startsWith('{') ? new JsonSlurper().parseText(text) : null,
         problem: errText.startsWith('{') ? new JsonSlurper().parseText(errText) : null, err: errText]
    }

    private List<String> remoteCall() {
        cli(b, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', grant, '--instance', 'i-1', '--output', 'json').json*.name
    }

    private static Map header(String token) {
        new JsonSlurper().parse(Base64.urlDecoder.decode(token.split('\\.')[0])) as Map
    }

    /** The token with its header's alg replaced, signature kept: what an alg-confusion attempt sends. */
    private static String withAlg(String token, String alg) {
        String[] parts = token.split('\\.')
        Map h = header(token) + [alg: alg]
        String head = Base64.urlEncoder.withoutPadding().encodeToString(groovy.json.JsonOutput.toJson(h).bytes)
        head + '.' + parts[1] + '.' + parts[2]
    }
}
