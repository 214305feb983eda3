package dev.entente.controlplane.api

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Unroll

import java.net.http.HttpClient
import java.nio.charset.StandardCharsets
import java.nio.file.Files

/**
 * Issue 11 item 2, one class of the adversarial run at a time, against a real hub: each answered
 * with a 4xx problem naming the field, where before it reached PostgreSQL or overflowed into a 500.
 */
class BadInputSpec extends Specification {
    @Shared RunningHub hub
    @Shared String admin
    @Shared String peerId
    @Shared HttpClient client

    def setupSpec() {
        hub = TestHubs.start(Files.createTempDirectory('bad-input'))
        admin = TestHubs.adminToken(hub)
        peerId = TestHubs.cli(hub, 'peers', 'propose', '--name', 'p-1', '--output', 'json').json.peer.id
        client = Wire.client(HubHttp.trustAll('TLSv1.3'))
    }

    def cleanupSpec() {
        hub?.stop()
    }

    @Unroll
    def "NUL in the path variable of #path → 400 invalid_request naming #field"() {
        when:
        def r = get(path)

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.field == field

        where:
        path                                   | field
        '/api/v1/peers/a%00b'                  | 'id'
        '/api/v1/grants/a%00b'                 | 'id'
        '/api/v1/approvals/%00'                | 'id'
        '/federation/v1/resources/a%00/b'      | 'kind'
        '/api/v1/peers/a%01b'                  | 'id'
        '/api/v1/peers/a%7Fb'                  | 'id'
    }

    @Unroll
    def "#what in query #query → 400 invalid_request naming #field"() {
        when:
        def r = get(path + query)

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.field == field

        where:
        what              | path                | query               | field
        'NUL'             | '/api/v1/grants'    | '?peer=%00'         | 'peer'
        'NUL'             | '/api/v1/audit'     | '?type=a%00b'       | 'type'
        'ESC'             | '/api/v1/events'    | '?source=%1B%5B2J'  | 'source'
        'NUL in a name'   | '/api/v1/peers'     | '?x%00=1'           | 'query parameter name'
        'not a number'    | '/api/v1/audit'     | '?limit=abc'        | 'limit'
    }

    @Unroll
    def "a control character in JSON #where → 400 invalid_request naming #field, and nothing is stored"() {
        when:
        def r = send('PUT', '/api/v1/resources/service/nul-test', JsonOutput.toJson(body))

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.field == field
        get('/api/v1/resources').json.every { it.name != 'nul-test' }

        where:
        where                  | body                                          | field
        'an attribute value'   | [attributes: [zone: 'eu\u0000west']]          | 'attributes.zone'
        'an attribute key'     | [attributes: ['zo\u0000ne': 'eu']]            | 'attributes.zo?ne (a key)'
        'a string field'       | [instance_id: 'i-\u0001']                     | 'instance_id'
        'an unknown field'     | [extra: ['ok', 'x\u0000']]                    | 'extra[1]'
    }

    def "a PEM body may span lines: tab, CR and LF pass the edge"() {
        when:
        def r = send('PUT', '/api/v1/resources/service/multiline', JsonOutput.toJson([attributes: [note: "line 1\r\n\tline 2"]]))

        then:
        r.status == 200
        r.json.attributes.note == "line 1\r\n\tline 2"
    }

    @Unroll
    def "#field #value → 400 invalid_request naming #field and the maximum #max"() {
        when:
        def r = send(method, path, body == null ? null : JsonOutput.toJson(body))

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.field == field
        r.json.detail.contains("the maximum is ${max}")

        where:
        field        | value                     | method | path                                        | body                                                      | max
        'ttl'        | '999999999999999d'        | 'POST' | '/api/v1/peers'                             | [name: 'p-ttl', ttl: '999999999999999d']                  | '30d'
        'ttl'        | '721h'                    | 'POST' | "/api/v1/peers/p-1/token"                   | [ttl: '721h']                                             | '30d'
        'expires_in' | '999999999999999d'        | 'POST' | '/api/v1/operators/tokens'                  | [subject: 'x', role: 'viewer', expires_in: '999999999999999d'] | '365d'
        'expires_in' | '9223372036854775807ms'   | 'POST' | '/api/v1/grants'                            | [peer: 'p-1', expires_in: '9223372036854775807ms']        | '365d'
        'since'      | '999999999999999d'        | 'GET'  | '/api/v1/audit?since=999999999999999d'      | null                                                      | '36500d'
        'since'      | '99999999999999999999d'   | 'GET'  | '/api/v1/events?since=99999999999999999999d' | null                                                     | '36500d'
    }

    def "a duration that is not one names the field and the form"() {
        when:
        def r = get('/api/v1/audit?since=1y')

        then:
        r.status == 400
        r.json.field == 'since'
        r.json.detail == "since '1y' is not a duration; write it like 500ms, 30s, 5m, 24h, 7d or 1h30m (at most 36500d)"
    }

    @Unroll
    def "POST /federation/v1/handshake/complete #what → #status #code, a problem either way"() {
        when:
        def r = Wire.send(client, 'POST', hub.url() + '/federation/v1/handshake/complete',
                contentType == null ? [:] : ['Content-Type': contentType], body.getBytes(StandardCharsets.UTF_8))

        then:
        r.violation() == null
        r.status == status
        r.json.code == code

        where:
        what                                   | contentType          | body                                 | status | code
        'without a content type'               | null                 | '{"protocol_version":1}'             | 415    | 'unsupported_media_type'
        'as text/plain'                        | 'text/plain'         | '{"protocol_version":1}'             | 415    | 'unsupported_media_type'
        'with an empty body and no type'       | null                 | ''                                   | 401    | 'peer_cert_required'
        'well-formed, without a certificate'   | 'application/json'   | '{"protocol_version":1}'             | 401    | 'peer_cert_required'
    }

    @Unroll
    def "the body #what → 400 invalid_request, never a framework message"() {
        when:
        def r = send('POST', '/api/v1/peers', body)

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.field == 'body'

        where:
        what                    | body
        'is a JSON array'       | '[]'
        'is a JSON string'      | '"x"'
        'is not JSON'           | '{"name":'
        'nests 200 deep'        | '{"a":' + '[' * 200 + ']' * 200 + '}'
    }

    def "a 100 KB bearer token is answered 431 with a problem, every time (20 of 20)"() {
        when:
        def answers = (1..20).collect {
            Wire.send(client, 'GET', hub.url() + '/api/v1/status', [Authorization: 'Bearer ' + 'x' * (100 * 1024)], null)
        }

        then:
        answers*.status == [431] * 20
        answers.every { it.violation() == null && it.json.code == 'request_headers_too_large' && it.json.field == 'Authorization' }
    }

    def "a 900 KB header, far over the 16 KB the hub accepts, is still read whole and answered 431"() {
        when: 'written whole before the answer is read, as a naive client does'
        def r = Wire.raw(hub.url(), "GET /api/v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'y' * (900 * 1024)}\r\n\r\n")

        then:
        r.status == 431
        r.violation() == null
        r.json.code == 'request_headers_too_large'
    }

    def "a JWT header kid holding NUL → 401 auth_token_malformed"() {
        given:
        def e = Base64.urlEncoder.withoutPadding()
        String token = e.encodeToString(JsonOutput.toJson([alg: 'EdDSA', kid: 'k\u0000']).bytes) + '.' +
                e.encodeToString('{"sub":"x"}'.bytes) + '.' + e.encodeToString(new byte[64])

        when:
        def r = Wire.send(client, 'GET', hub.url() + '/api/v1/status', [Authorization: 'Bearer ' + token], null)

        then:
        r.violation() == null
        r.status == 401
        r.json.code == 'auth_token_malformed'
    }

    @Unroll
    def "#what in a header → 400 invalid_request problem"() {
        when: 'Netty refuses these in a header value before routing (InputGuard checks headers again behind it)'
        def r = Wire.raw(hub.url(), "GET /federation/v1/resources HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" +
                "Federation-Instance-Id: i${c}1\r\n\r\n")

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.detail == detail

        where:
        what  | c        | detail
        'NUL' | '\u0000' | 'the request line or a header is not valid HTTP: control characters and bare CR or LF are refused'
        'ESC' | '\u001b' | 'the request line or a header is not valid HTTP: control characters and bare CR or LF are refused'
        'DEL' | '\u007f' | 'the request line or a header is not valid HTTP: control characters and bare CR or LF are refused'
    }

    def "a parameter of the wrong type names the parameter, not a Java type"() {
        when:
        def r = get('/api/v1/audit?limit=99999999999999999999')

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.field == 'limit'
        r.json.detail == 'limit must be a whole number'
    }

    private Wire.Answer get(String path) {
        Wire.send(client, 'GET', hub.url() + path, [Authorization: 'Bearer ' + admin], null)
    }

    private Wire.Answer send(String method, String path, String body) {
        Wire.send(client, method, hub.url() + path, [Authorization: 'Bearer ' + admin, 'Content-Type': 'application/json'],
                body?.getBytes(StandardCharsets.UTF_8))
    }
}
