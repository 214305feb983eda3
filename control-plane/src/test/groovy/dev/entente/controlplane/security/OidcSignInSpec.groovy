package dev.entente.controlplane.security

import dev.entente.client.request.signin.Pkce
import com.nimbusds.jose.JOSEObjectType
import com.nimbusds.jose.JWSAlgorithm
import com.nimbusds.jose.JWSHeader
import com.nimbusds.jose.crypto.MACSigner
import com.nimbusds.jose.crypto.RSASSASigner
import com.nimbusds.jose.jwk.JWKSet
import com.nimbusds.jose.jwk.RSAKey
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator
import com.nimbusds.jwt.JWTClaimsSet
import com.nimbusds.jwt.SignedJWT
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.security.oidc.OidcSignIn
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import no.nav.security.mock.oauth2.MockOAuth2Server
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse
import no.nav.security.mock.oauth2.http.Route
import okhttp3.Headers
import okhttp3.HttpUrl
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.security.SecureRandom
import java.time.Duration
import java.util.concurrent.ConcurrentLinkedQueue

/**
 * Operators sign in with a real OpenID Connect provider running in-process (discovery, JWKS and
 * signed ID tokens from mock-oauth2-server): the browser's redirects are followed for real, the
 * hub redeems the code with its client secret and checks the ID token, maps groups to roles and
 * hands the CLI a session token it stores and uses.
 */
class OidcSignInSpec extends Specification {
    static final String CLIENT_ID = 'entente-hub'
    static final String ISSUER_ID = 'default'

    /** Answers the provider gives instead of its own, next time the hub asks that endpoint. */
    @Shared Scripted scripted = new Scripted()
    @Shared MockOAuth2Server idp = new MockOAuth2Server([scripted] as Route[])
    @Shared RunningHub hub
    @Shared String issuer
    @Shared Path config = Files.createTempDirectory('entente-user-config')
    @Shared String admin
    @Shared HttpClient browser = HttpClient.newBuilder().sslContext(HubHttp.trustAll('TLSv1.3'))
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build()


    def setupSpec() {
        idp.start()
        issuer = idp.issuerUrl(ISSUER_ID).toString()
        hub = TestHubs.start(Files.createTempDirectory('entente-oidc'), [
                'entente.oidc.issuer'                          : issuer,
                'entente.oidc.client-id'                       : CLIENT_ID,
                'entente.oidc.client-secret'                   : 'hub-secret',
                'entente.oidc.groups-to-roles.platform-admins' : 'admin',
                'entente.oidc.groups-to-roles.sre'             : 'operator',
                'entente.oidc.groups-to-roles.approvers'       : 'approver',
                'entente.oidc.groups-to-roles.auditors'        : 'viewer',
                'entente.approvals.policy.peer.propose'        : 'require_approval'])
        admin = TestHubs.adminToken(hub)
    }

    def cleanupSpec() {
        hub?.close()
        idp.shutdown()
    }

    def "an operator signs in with entente login through the real redirects; every command then uses the session"() {
        given: 'the provider will vouch for alice in the sre group'
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, 'alice', 'JWT', null, [groups: ['sre']], 3600L))

        when: 'entente login runs, and the browser follows the URL it prints'
        def login = runCli(['login', '--no-browser', '--hub', hub.url(), '--tls-fingerprint', fingerprint(), '--output', 'json']) { String err ->
            def url = (err =~ /(http:\/\/\S+\/authorize\S+)/)[0][1]
            def last = follow(url)
            assert last.statusCode() == 200 && last.body().contains('Signed in')
        }

        then: 'the session is alice at this issuer, an operator, stored for the owner only'
        login.code == 0
        def out = new JsonSlurper().parseText(login.out)
        out.subject == "oidc:alice@${issuer}".toString()
        out.roles == ['operator']
        def file = config.resolve('entente').resolve('session')
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) == 'rw-------'
        def stored = new JsonSlurper().parse(file.toFile())
        stored.hub == hub.url()

        when: 'a client command runs with no token, hub or data dir given'
        def peers = runCli(['peers', 'list', '--output', 'json'])

        then: 'it reaches the hub as alice'
        peers.code == 0
        def tokens = HubHttp.get(hub.url() + '/api/v1/operators/tokens', admin).json
        def row = tokens.find { it.subject == out.subject }
        row.roles == ['operator']
        row.last_used_at != null

        and: 'the audit records the identity provider subject and issuer'
        def issued = HubHttp.get(hub.url() + '/api/v1/audit?type=operator.token_issued', admin).json
                .find { it.subject == out.subject }
        issued.actor == out.subject
        issued.details.idp_subject == 'alice'
        issued.details.idp_issuer == issuer
        issued.details.idp_groups == ['sre']

        when: 'alice logs out'
        def logout = runCli(['logout'])

        then: 'the session is revoked at the hub and the file is gone'
        logout.code == 0
        !Files.exists(file)
        def refused = HubHttp.get(hub.url() + '/api/v1/status', stored.token)
        refused.status == 401
        refused.json.code == 'operator_token_revoked'
        HubHttp.get(hub.url() + '/api/v1/operators/tokens', admin).json.find { it.jti == row.jti }.revoked_by == out.subject
    }

    def "groups #groups give #roles: proposing a peer answers #propose"() {
        given:
        def session = signIn('user-' + groups.join('-'), groups)

        expect:
        session.roles == roles
        HubHttp.get(hub.url() + '/api/v1/status', session.token).status == 200
        def r = HubHttp.post(hub.url() + '/api/v1/peers', JsonOutput.toJson([name: 'p-' + new Random().nextInt(1_000_000)]), session.token)
        r.status == propose
        propose != 403 || r.json.code == 'auth_role_forbidden'

        where:
        groups                          || roles                  | propose
        ['auditors']                    || ['viewer']             | 403
        ['approvers']                   || ['approver']           | 403
        ['sre']                         || ['operator']           | 202
        ['platform-admins', 'auditors'] || ['admin', 'viewer']    | 202
        ['sre', 'not-mapped']           || ['operator']           | 202
    }

    def "an identity in #groups is refused with oidc_no_role (403), and entente login says so"() {
        given:
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, 'mallory', 'JWT', null, claims, 3600L))

        when:
        def login = runCli(['login', '--no-browser', '--hub', hub.url(), '--tls-fingerprint', fingerprint(), '--output', 'json']) { String err ->
            def url = (err =~ /(http:\/\/\S+\/authorize\S+)/)[0][1]
            assert follow(url).body().contains('Sign-in failed')
        }

        then:
        login.code != 0
        def problem = new JsonSlurper().parseText(login.err.substring(login.err.indexOf('{')))
        problem.code == 'oidc_no_role'
        problem.status == 403
        !Files.exists(config.resolve('entente').resolve('session'))

        and: 'the refusal is audited under the identity the provider vouched for'
        HubHttp.get(hub.url() + '/api/v1/audit?type=access.denied', admin).json
                .any { it.actor == "oidc:mallory@${issuer}".toString() && it.code == 'oidc_no_role' }

        where:
        groups                | claims
        'no group claim'      | [:]
        'an empty list'       | [groups: []]
        'only unmapped groups'| [groups: ['marketing', 'interns']]
    }

    def "an ID token that is #kind is refused (#reason) and no session is handed out"() {
        when:
        def answer = callbackAnswering { String nonce -> token(nonce) }

        then:
        answer.error == 'oidc_id_token_refused'
        answer.error_reason == reason
        !answer.code

        where:
        kind                          | reason              | token
        'expired'                     | 'expired'           | { String n -> idpToken(n, [:], Duration.ofHours(-1)) }
        'for another audience'        | 'wrong_audience'    | { String n -> idpToken(n, [aud: 'someone-else']) }
        'from another issuer'         | 'wrong_issuer'      | { String n -> idpToken(n, [:], Duration.ofHours(1), 'https://evil.example/' + ISSUER_ID) }
        'for another sign-in (nonce)' | 'nonce_mismatch'    | { String n -> idpToken('another-nonce', [:]) }
        'forged with another key'     | 'signature_invalid' | { String n -> forged(n, new RSAKeyGenerator(2048).keyID(idpKid()).generate()) }
        'signed with HS256'           | 'alg_forbidden'     | { String n -> hmac(n) }
        'signed by an unknown key'    | 'unknown_key'       | { String n -> forged(n, new RSAKeyGenerator(2048).keyID('nobody').generate()) }
    }

    def "a key the provider rotated in is fetched when an ID token names it"() {
        given: 'a new signing key at the provider, published next to the old one'
        def rotated = new RSAKeyGenerator(2048).keyID('rotated-' + System.nanoTime()).generate()
        def published = JWKSet.parse(HubHttp.get(idp.jwksUrl(ISSUER_ID).toString()).text)

        when: 'the next ID token is signed with it'
        def answer = callbackAnswering({ String nonce -> forged(nonce, rotated) },
                new JWKSet(published.keys + [rotated.toPublicJWK()]).toString())

        then: 'the hub fetched the keys again and the sign-in went through'
        answer.code
        !answer.error
    }

    def "two sessions of one identity are one person to the two-person rule; #approver is #verdict"() {
        given: 'alice proposes a peer, which waits for a second operator'
        def alice = signIn('alice-2p', ['sre'])
        def pending = HubHttp.post(hub.url() + '/api/v1/peers', JsonOutput.toJson([name: 'p2-' + System.nanoTime()]), alice.token)
        assert pending.status == 202
        def id = pending.json.approval.id

        when:
        def approverToken = tokenOf()
        def r = HubHttp.post(hub.url() + "/api/v1/approvals/${id}/approve", '{}', approverToken)

        then:
        r.status == status
        status != 403 || r.json.code == 'approval_self_forbidden'

        where:
        approver                                     | tokenOf                                                  || status
        'alice signed in again, as an approver'      | { -> signIn('alice-2p', ['sre', 'approvers']).token }    || 403
        'bob, another identity'                      | { -> signIn('bob-2p', ['approvers']).token }             || 200
        'a local token named alice-2p'               | { -> localToken('alice-2p', 'approver') }                || 200

        verdict = status == 403 ? 'refused' : 'accepted'
    }

    def "with local tokens off, sessions and admin.token work and an issued local token is refused"() {
        given:
        def strict = TestHubs.start(Files.createTempDirectory('entente-strict'), ['entente.auth.local-tokens': false])
        def rootToken = TestHubs.adminToken(strict)
        def local = HubHttp.post(strict.url() + '/api/v1/operators/tokens', JsonOutput.toJson([subject: 'ci-bot', role: 'operator']),
                rootToken).json.token

        expect:
        HubHttp.get(strict.url() + '/api/v1/status', rootToken).status == 200
        def refused = HubHttp.get(strict.url() + '/api/v1/status', local)
        refused.status == 401
        refused.json.code == 'auth_local_tokens_disabled'

        and: 'entente login against a hub without a provider says so at once'
        def login = runCli(['login', '--no-browser', '--timeout', '5', '--hub', strict.url(), '--tls-fingerprint',
                            fingerprint(strict), '--output', 'json'])
        login.code != 0
        new JsonSlurper().parseText(login.err.substring(login.err.indexOf('{'))).code == 'oidc_not_configured'

        cleanup:
        strict?.close()
    }

    def "a one-time code is redeemed once, and only with the verifier of the CLI that started the sign-in"() {
        given:
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, 'carol', 'JWT', null, [groups: ['auditors']], 3600L))
        def verifier = random()
        def answer = query(walk(hub.url() + "/auth/oidc/login?port=40123&challenge=${Pkce.challenge(verifier)}"))

        expect:
        redeem(answer.code, random()).status == 400
        redeem(answer.code, verifier).status == 400
        redeem(answer.code, verifier).json.code == 'oidc_login_unknown'
    }

    // --- helpers ---

    private Map signIn(String subject, List<String> groups) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, 'JWT', null, [groups: groups], 3600L))
        def verifier = random()
        def answer = query(walk(hub.url() + "/auth/oidc/login?port=40123&challenge=${Pkce.challenge(verifier)}"))
        assert answer.code: answer
        def r = redeem(answer.code, verifier)
        assert r.status == 200: r.text
        r.json
    }

    private HubHttp.Answer redeem(String code, String verifier) {
        HubHttp.post(hub.url() + '/auth/oidc/token', JsonOutput.toJson([code: code, verifier: verifier]))
    }

    /**
     * Starts a sign-in, lets the provider send the browser back with a real code, and has the
     * provider's token endpoint answer an ID token {@code idToken} makes from the sign-in's nonce
     * (and its key set answer {@code keys}, when given); the loopback URL's query the hub answers.
     */
    private Map callbackAnswering(Closure<String> idToken, String keys = null) {
        def authorize = location(visit(get(hub.url() + '/auth/oidc/login?port=40123&challenge=' + Pkce.challenge(random()))))
        String nonce = query(authorize).nonce
        def callback = location(visit(get(authorize)))
        scripted.answer('/token', JsonOutput.toJson([access_token: 'opaque', token_type: 'Bearer', id_token: idToken(nonce)]))
        if (keys != null) {
            scripted.answer('/jwks', keys)
        }
        query(location(visit(get(callback))))
    }

    /** Follows redirects from {@code url} until the hub sends the browser to the CLI's loopback port; that URL. */
    private String walk(String url) {
        String next = url
        for (int i = 0; i < 10 && !next.startsWith('http://127.0.0.1:40123'); i++) {
            next = location(visit(get(next)))
        }
        next
    }

    /** Follows every redirect, as a browser would, to the last page. */
    private HttpResponse<String> follow(String url) {
        String next = url
        for (int i = 0; i < 10; i++) {
            def r = visit(get(next))
            if (r.statusCode() < 300 || r.statusCode() >= 400) {
                return r
            }
            next = location(r)
        }
        throw new AssertionError('too many redirects from ' + url)
    }

    /** One page of a browser that accepts any hub certificate and follows no redirect unless asked. */
    private HttpResponse<String> visit(HttpRequest request) {
        browser.send(request, HttpResponse.BodyHandlers.ofString())
    }

    private static HttpRequest get(String url) {
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build()
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

    /** A route ahead of the provider's own: the next request to a scripted path gets the scripted answer, once. */
    static class Scripted implements Route {
        private final Queue<List<String>> answers = new ConcurrentLinkedQueue<>()

        void answer(String pathEnd, String json) {
            answers.add([pathEnd, json])
        }

        @Override
        boolean match(OAuth2HttpRequest request) {
            def next = answers.peek()
            next != null && request.url.encodedPath().endsWith(next[0])
        }

        @Override
        OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            new OAuth2HttpResponse(Headers.of('Content-Type', 'application/json'), 200, answers.poll()[1], null)
        }
    }

    /** An ID token signed by the provider's own key. */
    private String idpToken(String nonce, Map claims, Duration lifetime = Duration.ofHours(1), String iss = issuer) {
        Map all = [sub: 'eve', aud: CLIENT_ID, nonce: nonce, groups: ['sre']] + claims
        idp.anyToken(HttpUrl.get(iss), all, lifetime).serialize()
    }

    private String forged(String nonce, RSAKey key) {
        def jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.keyID).type(JOSEObjectType.JWT).build(), claims(nonce))
        jwt.sign(new RSASSASigner(key))
        jwt.serialize()
    }

    private String hmac(String nonce) {
        byte[] secret = new byte[32]
        new SecureRandom().nextBytes(secret)
        def jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(idpKid()).build(), claims(nonce))
        jwt.sign(new MACSigner(secret))
        jwt.serialize()
    }

    private JWTClaimsSet claims(String nonce) {
        def now = new Date()
        new JWTClaimsSet.Builder().issuer(issuer).subject('eve').audience(CLIENT_ID).issueTime(now)
                .expirationTime(new Date(now.time + 3_600_000)).claim('nonce', nonce).claim('groups', ['sre']).build()
    }

    private String localToken(String subject, String role) {
        def r = HubHttp.post(hub.url() + '/api/v1/operators/tokens', JsonOutput.toJson([subject: subject, role: role]), admin)
        if (r.status == 202) {
            // Minting an approver token is gated while a policy requires approval: a second admin approves.
            def approver = signIn('admin-approver-' + System.nanoTime(), ['platform-admins', 'approvers'])
            assert HubHttp.post(hub.url() + "/api/v1/approvals/${r.json.approval.id}/approve", '{}', approver.token).status == 200
            return HubHttp.post(hub.url() + "/api/v1/approvals/${r.json.approval.id}/collect", '{}', admin).json.result.token
        }
        assert r.status == 201: r.text
        r.json.token
    }

    /** The id of the provider's signing key. */
    private String idpKid() {
        JWKSet.parse(HubHttp.get(idp.jwksUrl(ISSUER_ID).toString()).text).keys[0].keyID
    }

    private String fingerprint(RunningHub of = hub) {
        new JsonSlurper().parse(of.dataDir().resolve('hub.json').toFile()).tls_fingerprint
    }

    private static String random() {
        byte[] b = new byte[32]
        new SecureRandom().nextBytes(b)
        Base64.urlEncoder.withoutPadding().encodeToString(b)
    }

    /**
     * Runs {@code entente ...} as the user whose config dir is {@link #config}; {@code browser},
     * when given, plays the browser once the CLI printed what it prints on stderr.
     */
    private Map runCli(List<String> args, Closure browse = null) {
        def out = new StringWriter()
        def err = new StringWriter()
        Map env = [XDG_CONFIG_HOME: config.toString()]
        int code
        def cli = Thread.start { code = Main.run(args as String[], env, new PrintWriter(out), new PrintWriter(err)) }
        if (browse != null) {
            long deadline = System.nanoTime() + 20_000_000_000L
            while (!err.toString().contains('/authorize') && System.nanoTime() < deadline && cli.alive) {
                Thread.sleep(50)
            }
            browse(err.toString())
        }
        cli.join(30_000)
        [code: code, out: out.toString().trim(), err: err.toString()]
    }
}
