package dev.entente.controlplane.hub

import dev.entente.ca.tls.TlsState
import dev.entente.lifecycle.db.Tx
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import groovy.json.JsonSlurper
import groovy.sql.Sql
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import javax.net.ssl.SSLHandshakeException
import javax.net.ssl.SSLSocket
import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermission

/**
 * Issue 2, "what it must show": the real application on a free port — TLS 1.2 refused and 1.3
 * accepted, /healthz following the database down and up, forged tokens refused, and audit
 * verify catching a row altered in SQL.
 */
@Stepwise
class HubEndToEndSpec extends Specification {
    @Shared RunningHub hub
    @Shared String base
    @Shared String admin

    def setupSpec() {
        hub = TestHubs.start()
        base = hub.url()
        admin = TestHubs.adminToken(hub)
    }

    def cleanupSpec() {
        hub?.stop()
    }

    def "a TLS 1.2 client is refused"() {
        when:
        SSLSocket s = (SSLSocket) HubHttp.trustAll('TLSv1.2').socketFactory.createSocket('127.0.0.1', hub.port())
        s.enabledProtocols = ['TLSv1.2'] as String[]
        s.startHandshake()

        then:
        thrown(SSLHandshakeException)
    }

    def "a TLS 1.3 client gets one of the three allowed suites"() {
        when:
        SSLSocket s = (SSLSocket) HubHttp.trustAll('TLSv1.3').socketFactory.createSocket('127.0.0.1', hub.port())
        s.enabledProtocols = ['TLSv1.3'] as String[]
        s.startHandshake()

        then:
        s.session.protocol == 'TLSv1.3'
        s.session.cipherSuite in ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256']

        cleanup:
        s?.close()
    }

    def "first start wrote a 0600 admin token and the certificate the CLI pins"() {
        given:
        def dir = hub.settings().dataDir()

        expect:
        Files.getPosixFilePermissions(dir.resolve('admin.token')) == [PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE] as Set
        new JsonSlurper().parse(dir.resolve('hub.json').toFile()).tls_fingerprint == hub.bean(TlsState).current().fingerprint()
        hub.hubId() ==~ /hub_[0-9a-f]{8}/
    }

    def "healthz is 200, 503 database_unreachable while PostgreSQL is down, and 200 again by itself"() {
        expect:
        HubHttp.get("$base/healthz").json.status == 'ok'

        when:
        hub.bean(EmbeddedDatabase).stop()
        def down = HubHttp.get("$base/healthz")

        then:
        down.status == 503
        down.json == [status: 'degraded', reason: 'database_unreachable', reasons: ['database_unreachable'], hub_id: hub.hubId(), uptime_s: down.json.uptime_s]

        when:
        hub.bean(EmbeddedDatabase).startServer()
        def up = poll(20) { HubHttp.get("$base/healthz") }

        then:
        up.status == 200
        up.json.status == 'ok'
    }

    def "metrics export JVM figures and the TLS expiry"() {
        when:
        def m = HubHttp.get("$base/metrics", admin)

        then:
        m.status == 200
        m.text.contains('jvm_memory_used_bytes')
        def line = m.text.readLines().find { it.startsWith('entente_tls_cert_expiry_timestamp_seconds ') }
        line != null
        (line.split(' ')[1] as double) as long == hub.bean(TlsState).current().notAfter().epochSecond
    }

    def "admin API errors are problem+json with a code and a runbook"() {
        when:
        def r = HubHttp.get("$base/api/v1/nope", admin)

        then:
        r.status == 404
        r.contentType.startsWith('application/problem+json')
        r.json.code == 'not_found'
        r.json.runbook == 'runbooks/operators-and-admin-api.md#not_found'
        !r.text.contains('Exception')
    }

    def "malformed JSON is a 400 invalid_request, never a 500"() {
        when:
        def r = HubHttp.post("$base/api/v1/operators/tokens", '{"subject": ', admin)

        then:
        r.status == 400
        r.json.code == 'invalid_request'
    }

    def "a viewer may read but not issue tokens, and the refusal is audited"() {
        given:
        def viewer = HubHttp.post("$base/api/v1/operators/tokens", '{"subject":"vera","role":"viewer","expires_in":"1h"}', admin)

        expect:
        viewer.status == 201
        viewer.json.roles == ['viewer']
        HubHttp.get("$base/api/v1/status", viewer.json.token).status == 200

        when:
        def r = HubHttp.post("$base/api/v1/operators/tokens", '{"subject":"eve","role":"admin"}', viewer.json.token)

        then:
        r.status == 403
        r.json.code == 'auth_role_forbidden'
        HubHttp.get("$base/api/v1/audit?type=access.denied", admin).json.any { it.code == 'auth_role_forbidden' && it.actor == 'vera' }
    }

    def "the CLI reads admin.token, pins the hub certificate and prints DESIGN §10 JSON"() {
        when:
        def status = cli('status', '--output', 'json')
        def tls = cli('tls', 'info', '--output', 'json')
        def token = cli('operators', 'token', 'issue', '--for', 'ops', '--role', 'operator', '--expires-in', '2h', '--output', 'json')

        then:
        status.code == 0
        status.json.hub_id == hub.hubId()
        status.json.keySet().containsAll(['hub_id', 'name', 'listening', 'uptime_s', 'tls'])
        // plus an automatic renewal's next certificate (issue 13), where the certificate comes from (issue 17)
        // and the certificate browsers get while the hub's is Ed25519, and the alg and store of the token-signing key
        tls.json.keySet() == ['subject', 'sans', 'not_before', 'not_after', 'fingerprint', 'key_type', 'grace_fingerprints',
                                 'next_fingerprint', 'mode', 'key_location', 'issuer', 'browser_fingerprint',
                                 'browser_spki_sha256', 'token_signing_alg', 'token_signing_store'] as Set
        tls.json.mode == 'self-signed'
        tls.json.key_type == 'Ed25519'
        token.json.keySet() == ['token', 'subject', 'roles', 'expires_at', 'minted_by'] as Set // DESIGN §10 plus the minting chain (issue 11)
        token.json.roles == ['operator']
        token.json.minted_by == ['admin']
    }

    def "the CLI refuses a hub whose certificate is not the pinned one"() {
        when:
        def r = cli('status', '--tls-fingerprint', 'aa' * 32, '--output', 'json')

        then:
        r.code != 0
        r.errJson.code == 'tls_pin_mismatch'
    }

    def "audit verify is ok, then names the first event altered in SQL"() {
        when:
        def ok = cli('audit', 'verify', '--output', 'json')

        then:
        ok.code == 0
        ok.json.ok == true
        ok.json.events >= 3
        ok.json.first_broken == null

        when:
        def sql = Sql.newInstance(hub.bean(Tx).dataSource())
        sql.executeUpdate("UPDATE audit_events SET details = '{\"name\":\"mallory\"}' WHERE seq = 2")
        def broken = cli('audit', 'verify', '--output', 'json')

        then:
        broken.code == 1
        broken.json.ok == false
        broken.json.first_broken == 2

        cleanup:
        sql?.close()
    }

    def "audit ls filters by type and time; the hub's own events need --all (or entente events)"() {
        when:
        def audit = cli('audit', 'ls', '--type', 'hub.started', '--since', '10m', '--output', 'json')
        def all = cli('audit', 'ls', '--all', '--type', 'hub.started', '--since', '10m', '--output', 'json')
        def events = cli('events', '--source', 'hub', '--type', 'hub.started', '--since', '10m', '--output', 'json')

        then:
        audit.code == 0
        audit.json == []
        all.json*.type == ['hub.started']
        all.json[0].actor == 'system:hub'
        all.json[0].source == 'hub'
        events.json == all.json
    }

    private Map cli(String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        List<String> all = (args as List) + ['--data-dir', hub.settings().dataDir().toString()]
        int code = Main.run(all as String[], [:], new PrintWriter(out), new PrintWriter(err))
        def slurp = { String s -> s.trim() ? new JsonSlurper().parseText(s) : null }
        [code: code, out: out.toString(), err: err.toString(), json: slurp(out.toString()), errJson: code ? slurp(err.toString()) : null]
    }

    private static HubHttp.Answer poll(int seconds, Closure<HubHttp.Answer> call) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L
        HubHttp.Answer last = null
        while (System.nanoTime() < deadline) {
            last = call()
            if (last.status == 200) {
                return last
            }
            Thread.sleep(250)
        }
        last
    }
}
