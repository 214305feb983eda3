package dev.entente.controlplane.federation

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.api.Wire
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification

import javax.net.ssl.SSLContext
import javax.net.ssl.SSLSocket
import java.nio.charset.StandardCharsets
import java.nio.file.Files

import static dev.entente.controlplane.TestHubs.cli

/**
 * Issue 15, the inbound heartbeat's cost: every kind of request a peer (or anyone) can send to
 * {@code POST /federation/v1/heartbeat}, written byte for byte over real mTLS, answers as the route
 * always has (status, problem code, the denial audited), however cheap its path is made.
 */
class HeartbeatRouteSpec extends Specification {
    static final String PATH = '/federation/v1/heartbeat'

    @Shared RunningHub a
    @Shared RunningHub b
    @Shared RunningHub c
    @Shared Map<String, SSLContext> identities

    def setupSpec() {
        Map quiet = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '1h']
        a = TestHubs.start(Files.createTempDirectory('hbroute-a'), quiet + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(Files.createTempDirectory('hbroute-b'), quiet + ['entente.hub.name': 'hub-b'])
        c = TestHubs.start(Files.createTempDirectory('hbroute-c'), quiet + ['entente.hub.name': 'hub-c'])
        TestHubs.link(a, b, 'hub-b')
        TestHubs.link(a, c, 'hub-c')
        assert cli(a, 'peers', 'suspend', 'hub-c', '--reason', 'heartbeat route spec').code == 0
        identities = [peer     : Wire.identityOf(b),
                      suspended: Wire.identityOf(c),
                      none     : HubHttp.trustAll('TLSv1.3')]
        // C's own heartbeats would be refused and audited too: only the spec's requests may be
        c.stop()
    }

    def cleanupSpec() {
        [c, b, a].each { it?.stop() }
    }

    def "#what: #statuses #code"() {
        given:
        int deniedBefore = denied(code)

        when:
        List<Map> answers = exchange(identities[who], request)

        then: 'the answers, in order, and the server closed the connection after the last'
        answers*.status == statuses
        answers.last().code == code
        answers.findAll { it.status == 200 }.every { it.json.hub_id == a.hubId() }
        answers.findAll { it.status >= 400 }.every {
            it.contentType.startsWith('application/problem+json') && it.json.status == it.status && it.json.runbook
        }

        and: 'a refused caller is audited as access.denied'
        denied(code) == deniedBefore + (audited ? 1 : 0)

        where:
        what                                          | who         | request                                                              | statuses   | code                        | audited
        'a heartbeat'                                 | 'peer'      | post(heartbeat())                                                    | [200]      | null                        | false
        'no client certificate'                       | 'none'      | post(heartbeat())                                                    | [401]      | 'peer_cert_required'        | true
        'a suspended peer'                            | 'suspended' | post(heartbeat())                                                    | [401]      | 'peer_suspended'            | true
        'GET on the route'                            | 'peer'      | head('GET', [:])                                                     | [405]      | 'method_not_allowed'        | false
        'PUT on the route'                            | 'peer'      | post(heartbeat(), [:], 'PUT')                                        | [405]      | 'method_not_allowed'        | false
        'a body over 1MB'                             | 'peer'      | post('{"pad":"' + 'x' * (1024 * 1024) + '"}')                        | [413]      | 'request_too_large'         | false
        'malformed JSON'                              | 'peer'      | post('{"protocol_version": 1,')                                      | [400]      | 'invalid_request'           | false
        'not an object'                               | 'peer'      | post('[1]')                                                          | [400]      | 'invalid_request'           | false
        'a control character in a string'             | 'peer'      | post(heartbeat(ca_phase: 'a\u0000b'))                                | [400]      | 'invalid_request'           | false
        'an unknown field (peers may add fields)'     | 'peer'      | post(heartbeat(from_the_future: true))                               | [200]      | null                        | false
        'a body that is not JSON'                     | 'peer'      | post(heartbeat(), ['Content-Type': 'text/plain'])                    | [415]      | 'unsupported_media_type'    | false
        'headers over 16KB'                           | 'peer'      | post(heartbeat(), ['X-Pad': 'p' * (17 * 1024)])                     | [431]      | 'request_headers_too_large' | false
        'headers over 16KB, no client certificate'    | 'none'      | post(heartbeat(), ['X-Pad': 'p' * (17 * 1024)])                     | [431]      | 'request_headers_too_large' | false
        'a control character in a header'             | 'peer'      | post(heartbeat(), ['X-Odd': 'a\u0001b'])                             | [400]      | 'invalid_request'           | false
        'a query parameter'                           | 'peer'      | post(heartbeat(), [:], 'POST', '?probe=1')                           | [200]      | null                        | false
        'a control character in the query'            | 'peer'      | post(heartbeat(), [:], 'POST', '?probe=%01')                         | [400]      | 'invalid_request'           | false
        'an operator token on a peer route'           | 'peer'      | post(heartbeat(), [Authorization: 'Bearer not-a-token'])             | [200]      | null                        | false
        'Expect: 100-continue, the body sent with it' | 'peer'      | post(heartbeat(), [Expect: '100-continue'])                          | [200]      | null                        | false
        'two pipelined heartbeats'                    | 'peer'      | post(heartbeat(), [:], 'POST', '', false) + post(heartbeat())        | [200, 200] | null                        | false
        'a heartbeat, then a refused one, pipelined'  | 'peer'      | post(heartbeat(), [:], 'POST', '', false) + post('{')                | [200, 400] | 'invalid_request'           | false
    }

    // ------------------------------------------------------------------ requests

    static String heartbeat(Map extra = [:]) {
        JsonOutput.toJson([protocol_version: 1, hub_id: 'hub-b', clock: new Date().toInstant().toString(),
                           tls_fingerprints: [], ca_phase: 'standby'] + extra)
    }

    /** One request's bytes; the last request on a connection asks the hub to close it. */
    static String post(String body, Map<String, String> headers = [:], String method = 'POST', String query = '',
                       boolean last = true) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8)
        head(method, ['Content-Type': 'application/json', 'Content-Length': String.valueOf(bytes.length)] + headers,
                query, last) + new String(bytes, StandardCharsets.ISO_8859_1)
    }

    static String head(String method, Map<String, String> headers, String query = '', boolean last = true) {
        Map<String, String> all = [Host: '127.0.0.1'] + (last ? [Connection: 'close'] : [:]) + headers
        "${method} ${PATH}${query} HTTP/1.1\r\n" + all.collect { k, v -> "${k}: ${v}\r\n" }.join('') + '\r\n'
    }

    // ------------------------------------------------------------------ the wire

    /** Writes {@code request} on one new connection to A and reads every answer until A closes it. */
    List<Map> exchange(SSLContext identity, String request) {
        URI u = URI.create(a.url())
        SSLSocket s = (SSLSocket) identity.socketFactory.createSocket(u.host, u.port)
        s.soTimeout = 20_000
        s.withCloseable {
            try {
                s.outputStream.write(request.getBytes(StandardCharsets.ISO_8859_1))
                s.outputStream.flush()
            } catch (IOException ignored) {
                // A refuses an oversize body before reading it all: its answer is still there to read
            }
            answers(s.inputStream.readAllBytes())
        }
    }

    static List<Map> answers(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.ISO_8859_1)
        List<Map> out = []
        int at = 0
        while (at < all.length()) {
            int end = all.indexOf('\r\n\r\n', at)
            assert end > 0: "an incomplete answer: ${all.substring(at).take(200)}"
            List<String> lines = all.substring(at, end).split('\r\n') as List
            int status = lines[0].split(' ')[1] as int
            Map<String, String> h = lines.drop(1).collectEntries { l ->
                [(l.substring(0, l.indexOf(':')).toLowerCase()): l.substring(l.indexOf(':') + 1).trim()]
            }
            int length = (h['content-length'] ?: '0') as int
            assert h['transfer-encoding'] == null: 'every answer on this route has a Content-Length'
            String body = new String(all.substring(end + 4, end + 4 + length).getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)
            def json = body.startsWith('{') ? new JsonSlurper().parseText(body) : null
            out << [status: status, contentType: h['content-type'], json: json, code: json?.code]
            at = end + 4 + length
        }
        out
    }

    private int denied(String code) {
        code == null ? 0 : cli(a, 'audit', 'ls', '--type', 'access.denied', '--output', 'json').json.count { it.code == code }
    }
}
