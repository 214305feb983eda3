package dev.entente.controlplane.security

import dev.entente.client.request.signin.Pkce
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.ui.ConsoleBrowser
import dev.entente.testkit.PostgresFixture
import groovy.json.JsonOutput
import no.nav.security.mock.oauth2.MockOAuth2Server
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback
import spock.lang.Shared
import spock.lang.Specification

import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.security.SecureRandom
import java.time.Duration

/**
 * Issue 16's follow-up: a hub run as two replicas on one PostgreSQL behind one address, where each
 * step of a sign-in may land on either replica. The sign-in starts on A1, the identity provider's
 * callback reaches A2, and the CLI redeems its one-time code on A1; the code then works nowhere
 * again, and a state that was used is refused wherever it is replayed. A console sign-in started
 * on one replica ends on the other.
 */
class OidcReplicasSpec extends Specification {
    static final String ISSUER_ID = 'default'
    static final Map ENV = [ENTENTE_KEY_PASSPHRASE: 'oidc replicas spec passphrase']

    @Shared MockOAuth2Server idp = new MockOAuth2Server()
    @Shared PostgresFixture.TestDatabase db
    @Shared RunningHub a1
    @Shared RunningHub a2
    @Shared HttpClient browser = HttpClient.newBuilder().sslContext(HubHttp.trustAll('TLSv1.3'))
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build()

    def setupSpec() {
        idp.start()
        db = PostgresFixture.emptyDatabase()
        Map shared = ['entente.hub.name'                   : 'hub-a', 'entente.db.url': db.jdbcUrl(), 'entente.db.user': db.user(),
                      'entente.db.password'                : db.password(),
                      'entente.oidc.issuer'                : idp.issuerUrl(ISSUER_ID).toString(),
                      'entente.oidc.client-id'             : 'entente-hub',
                      'entente.oidc.client-secret'         : 'hub-secret',
                      'entente.oidc.groups-to-roles.sre'   : 'operator']
        a1 = TestHubs.start(Files.createTempDirectory('oidc-a1'), shared, ENV)
        a2 = TestHubs.start(Files.createTempDirectory('oidc-a2'), shared, ENV)
    }

    def cleanupSpec() {
        [a2, a1].each { it?.stop() }
        idp.shutdown()
    }

    def "a sign-in started on A1 finishes its callback on A2 and is redeemed on A1, once, on either replica"() {
        given:
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, 'alice', 'JWT', null, [groups: ['sre']], 3600L))
        def verifier = random()

        when: 'A1 starts the sign-in and the provider sends the browser back to the callback, which A2 answers'
        def authorize = location(visit(a1.url() + "/auth/oidc/login?port=40123&challenge=${Pkce.challenge(verifier)}"))
        def callback = onReplica(location(visit(authorize)), a2)
        def loopback = location(visit(callback))
        def code = query(loopback).code

        then:
        loopback.startsWith('http://127.0.0.1:40123/')
        code

        when: 'the CLI redeems its code on A1'
        def session = redeem(a1, code, verifier)

        then:
        session.status == 200
        session.json.subject.startsWith('oidc:alice@')
        session.json.roles == ['operator']
        HubHttp.get(a2.url() + '/api/v1/status', session.json.token).status == 200

        and: 'the code is spent on both replicas'
        [a1, a2].every { redeem(it, code, verifier).json.code == 'oidc_login_unknown' }

        and: 'the used state is refused on the replica that started it'
        visit(onReplica(callback, a1)).statusCode() == 400
    }

    def "a console sign-in started on A1 ends on A2 in a session both replicas serve, under one cookie name"() {
        given:
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, 'bob', 'JWT', null, [groups: ['sre']], 3600L))
        Map<String, String> jar = [:]
        def atA1 = new ConsoleBrowser(a1, jar)
        def atA2 = new ConsoleBrowser(a2, jar)

        when:
        def start = atA1.get('/ui/login/oidc')
        def callback = atA1.visit(start.location()).location()
        def landed = atA2.visit(onReplica(callback, a2))

        then:
        atA1.session == atA2.session
        landed.status == 200
        landed.has('signed-in')
        jar.containsKey(atA2.session)
        atA1.get('/ui').status == 200
        atA2.get('/ui').byId('operator').startsWith('oidc:bob@')
    }

    def "a sign-in in progress is kept in the database by digests, its PKCE verifier sealed"() {
        when:
        def authorize = location(visit(a2.url() + "/auth/oidc/login?port=40124&challenge=${Pkce.challenge(random())}"))
        def sent = query(authorize)
        def sql = groovy.sql.Sql.newInstance(db.jdbcUrl(), db.user(), db.password())
        def rows
        try {
            rows = sql.rows('SELECT * FROM oidc_sign_ins WHERE port = 40124')
        } finally {
            sql.close()
        }

        then:
        rows.size() == 1
        rows[0].state_digest as byte[] == sha256(sent.state)
        rows[0].nonce_digest as byte[] == sha256(sent.nonce)
        (rows[0].sealed_verifier as byte[]).length > 43
    }

    private static String onReplica(String url, RunningHub replica) {
        def u = URI.create(url)
        replica.url() + u.rawPath + '?' + u.rawQuery
    }

    private static HubHttp.Answer redeem(RunningHub replica, String code, String verifier) {
        HubHttp.post(replica.url() + '/auth/oidc/token', JsonOutput.toJson([code: code, verifier: verifier]))
    }

    private HttpResponse<String> visit(String url) {
        browser.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString())
    }

    private static String location(HttpResponse<?> r) {
        assert r.statusCode() in 300..399: "${r.statusCode()} ${r.body()}"
        r.headers().firstValue('location').orElseThrow()
    }

    private static Map query(String url) {
        (URI.create(url).rawQuery ?: '').split('&').findAll { it.contains('=') }.collectEntries {
            def (k, v) = it.split('=', 2)
            [(URLDecoder.decode(k, 'UTF-8')): URLDecoder.decode(v, 'UTF-8')]
        }
    }

    private static byte[] sha256(String s) {
        java.security.MessageDigest.getInstance('SHA-256').digest(s.getBytes('UTF-8'))
    }

    private static String random() {
        byte[] b = new byte[32]
        new SecureRandom().nextBytes(b)
        Base64.urlEncoder.withoutPadding().encodeToString(b)
    }
}
