package dev.entente.controlplane.api

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonOutput
import org.yaml.snakeyaml.Yaml
import spock.lang.Shared
import spock.lang.Specification

import javax.net.ssl.SSLContext
import java.net.http.HttpClient
import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path

/**
 * Issue 11 item 2: the bad-input corpus, generated from docs/openapi.yml for every documented
 * operation and sent to real hubs (federation calls with a linked hub's mTLS identity and a real
 * grant, admin calls with the admin token, so each bad value reaches the code behind the edge):
 * control characters in every path variable, query parameter, header and JSON string (keys and
 * values, nested), wrong JSON types, overflowing durations, bodies that are not one JSON object,
 * missing and wrong content types, an unacceptable Accept, malformed and oversized bearer tokens.
 * Every answer must exist, be below 500, carry no Java name, and a refusal must be problem+json
 * whose status is the HTTP status. One feature collects every violation, so a failure lists them
 * all and the printed counts can be quoted.
 */
class BadInputCorpusSpec extends Specification {
    static final Path DOC = Path.of('..', 'docs', 'openapi.yml')
    static final Set<String> METHODS = ['get', 'put', 'post', 'delete', 'patch'] as Set
    static final Set<String> DURATIONS = ['ttl', 'expires_in', 'since'] as Set
    // Control characters in each position: NUL, other C0, ESC (terminal escapes in audit lines), DEL.
    static final List<String> CONTROLS = ['a\u0000b', '\u0000', '\u0001', 'x\u001b[31my', '\u007f']
    static final List<String> PATH_VALUES = ['a%00b', '%00', '%01', 'x%1By', '%7F', '%C0%80', '%ED%A0%80', '%E2%80%AE', 'a' * 9000]
    static final List<String> BAD_DURATIONS = ['999999999999999d', '99999999999999999999999999d', '9223372036854775807ms',
                                               '-1d', '1y', '1.5h', '', ' ', '0x10s', '1d\u0000']

    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String admin
    @Shared Map doc
    @Shared Map<String, String> base = [:]
    @Shared HttpClient plain
    @Shared HttpClient peer
    @Shared SSLContext peerSsl

    def setupSpec() {
        Map fast = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s']
        a = TestHubs.start(Files.createTempDirectory('corpus-a'), fast + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(Files.createTempDirectory('corpus-b'), fast + ['entente.hub.name': 'hub-b'])
        admin = TestHubs.adminToken(a)
        String bOnA = TestHubs.link(a, b, 'hub-b')
        def grant = TestHubs.cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read,write', '--output', 'json').json
        TestHubs.cli(a, 'resources', 'put', 'service/web-1', '--attr', 'port=443')
        doc = new Yaml().load(Files.readString(DOC)) as Map
        base = [peerId: bOnA, grantId: grant.grant.id, grantToken: grant.bearer_token]
        plain = Wire.client(dev.entente.controlplane.HubHttp.trustAll('TLSv1.3'))
        peerSsl = Wire.identityOf(b)
        peer = Wire.client(peerSsl)
    }

    def cleanupSpec() {
        [b, a].each { it?.stop() }
    }

    def "every documented operation, every class of bad input: always an answer, never 5xx, never a Java name, status = HTTP status"() {
        given:
        List<Map> corpus = operations().collectMany { cases(it) }

        when:
        List<Map> results = corpus.collect { c -> c + [answer: send(c)] }
        List<Map> violations = results.findAll { it.answer.violation() != null || (it.mustRefuse && it.answer.status < 400) }
        int fivexx = results.count { it.answer.status >= 500 } as int
        int unanswered = results.count { it.answer.status < 0 } as int
        int javaNames = results.count { it.answer.status >= 400 && it.answer.text != null && Wire.IMPLEMENTATION.matcher(it.answer.text).find() } as int
        int mismatches = results.count { it.answer.status >= 400 && it.answer.json instanceof Map && it.answer.json.status != it.answer.status } as int
        Map<String, Integer> byClass = results.countBy { it.cls } as Map<String, Integer>
        Map<Integer, Integer> byStatus = results.countBy { it.answer.status } as Map<Integer, Integer>
        println "bad-input corpus: ${results.size()} requests over ${operations().size()} operations, " +
                "${fivexx} × 5xx, ${unanswered} unanswered, ${javaNames} java names, ${mismatches} status mismatches"
        println "bad-input corpus by class: ${byClass}"
        println "bad-input corpus by status: ${byStatus.sort()}"
        violations.take(40).each { println "VIOLATION ${it.cls} ${it.method} ${it.label}: ${it.answer.violation() ?: 'accepted ' + it.answer.status}" }

        then:
        operations().size() >= 46 // every operation of the document, which OpenApiSpec keeps equal to the router
        results.size() > 1000
        violations.collect { "${it.cls} ${it.method} ${it.label}: ${it.answer.violation() ?: 'accepted ' + it.answer.status}" } == []
        fivexx == 0
        unanswered == 0
        javaNames == 0
        mismatches == 0
    }

    // ------------------------------------------------------------------ the corpus

    private List<Map> operations() {
        doc.paths.collectMany { String path, Map item ->
            List shared = (item.parameters ?: []) as List
            item.findAll { k, v -> k in METHODS }.collect { String m, Map op ->
                [path: path, method: m.toUpperCase(), op: op,
                 params: (shared + (op.parameters ?: [])).collect { resolve(it) },
                 body: bodySchema(op),
                 federation: path.startsWith('/federation/'),
                 mtls: op.'x-client-certificate' == 'required']
            }
        }
    }

    private List<Map> cases(Map o) {
        List<Map> out = []
        List<Map> pathParams = o.params.findAll { it.in == 'path' }
        List<Map> queryParams = o.params.findAll { it.in == 'query' }
        List<Map> headerParams = o.params.findAll { it.in == 'header' }
        Map<String, Object> body = o.body ? sampleBody(o.body) : null
        Closure<Map> mk = { String cls, String label, Map over ->
            [cls: cls, op: o, method: o.method, label: "${o.path} ${label}".toString(), path: pathWith(o, [:]), query: '',
             headers: [:], body: body == null ? null : JsonOutput.toJson(body), contentType: body == null ? null : 'application/json',
             mustRefuse: cls != 'wrong-type' && (cls != 'auth' || readsBearer(o))] + over
        }
        pathParams.each { p ->
            PATH_VALUES.each { v -> out << mk('path-control', "path ${p.name}=${v.take(20)}", [path: pathWith(o, [(p.name): v])]) }
        }
        queryParams.each { p ->
            ['%00', 'a%00b', '%01', '%1B%5B31m', '%7F'].each { v -> out << mk('query-control', "?${p.name}=${v}", [query: "?${p.name}=${v}"]) }
            if (p.schema?.type == 'integer') {
                ['abc', '99999999999999999999', '-1', '1.5'].each { v -> out << mk('query-value', "?${p.name}=${v}", [query: "?${p.name}=${v}"]) }
            }
            if (p.schema?.type == 'boolean') {
                // a lenient boolean reading is not a failure: only the answer's shape is checked
                ['maybe', '2', ''].each { v -> out << mk('wrong-type', "?${p.name}=${v}", [query: "?${p.name}=${v}"]) }
            }
            if (p.name in DURATIONS) {
                BAD_DURATIONS.collect { URLEncoder.encode(it, 'UTF-8') }.each { v -> out << mk('duration', "?${p.name}=${v}", [query: "?${p.name}=${v}"]) }
            }
        }
        out << mk('query-control', '?x%00=1 (unknown name)', [query: '?x%00=1'])
        headerParams.each { p ->
            out << mk('header-control', "header ${p.name} with NUL", [rawHeaders: ["${p.name}": 'a\u0000b']])
            out << mk('header-control', "header ${p.name} with ESC", [rawHeaders: ["${p.name}": 'a\u001bb']])
        }
        if (o.body) {
            o.body.properties.each { String field, Map schema ->
                bodyValues(field, schema).each { String cls, List values ->
                    values.each { v -> out << mk(cls, "body ${field}=${JsonOutput.toJson(v).take(40)}", [body: JsonOutput.toJson(body + [(field): v])]) }
                }
            }
            out << mk('body-control', 'body unknown key with NUL', [body: JsonOutput.toJson(body + ['k\u0000': 'v'])])
            out << mk('body-control', 'body nested NUL', [body: JsonOutput.toJson(body + [extra: [deep: ['x', ['y\u0000']]]])])
        }
        // shape and content type: every POST/PUT, documented body or not
        if (o.method in ['POST', 'PUT']) {
            ['{', '[]', '"x"', 'null', '42', '{"a":}', '{"a":"\\u00"}', '{"a":"\\ud800"}', '[' * 200 + ']' * 200,
             '{"a":' + '[' * 100 + ']' * 100 + '}', '\u0000', '{"a":1}garbage']
                    .each { t -> out << mk('body-shape', "body ${t.take(20)}", [body: t]) }
            String json = body == null ? '{"a":"b"}' : JsonOutput.toJson(body)
            out << mk('content-type', 'no Content-Type', [body: json, contentType: null])
            [null, 'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
             'application/json; charset=utf-16', 'garbage', '*/*'].each { ct ->
                out << mk('content-type', "Content-Type ${ct}", [body: ct == 'application/x-www-form-urlencoded' ? 'a=%00' : json, contentType: ct])
            }
        }
        if (o.method == 'GET') {
            out << mk('accept', 'Accept image/png', [headers: [Accept: 'image/png']])
        }
        // authorization: every operation, the federation ones with their mTLS identity still on;
        // a route that reads no bearer token may ignore a bad one, but never an oversized head
        out << mk('header-size', 'bearer 100KB', [token: 'x' * (100 * 1024)])
        out << mk('header-size', 'bearer 20KB JWT-looking', [token: 'eyJ' + 'a' * (20 * 1024) + '.b.c'])
        out << mk('header-size', 'forty 1KB headers', [headers: (1..40).collectEntries { ["X-Pad-${it}".toString(), 'p' * 1024] }])
        out << mk('auth', 'bearer kid NUL', [token: jwt([alg: 'EdDSA', kid: 'k\u0000'], [sub: 'x'])])
        out << mk('auth', 'bearer kid ESC', [token: jwt([alg: 'EdDSA', kid: '\u001b[2J'], [sub: 'x'])])
        out << mk('auth', 'bearer kid object', [token: jwt([alg: 'EdDSA', kid: [a: 1]], [sub: 'x'])])
        out << mk('auth', 'bearer claims NUL', [token: jwt([alg: 'EdDSA', kid: 'x'], [sub: 'a\u0000b', exp: Long.MAX_VALUE])])
        out << mk('auth', 'bearer not JSON', [token: 'AAAA.AAAA.AAAA'])
        out << mk('auth', 'bearer padded', [token: admin + '=='])
        out << mk('auth', 'bearer non-canonical signature', [token: nonCanonical(admin)])
        out << mk('auth', 'authorization Basic', [headers: [Authorization: 'Basic YTpi']])
        out << mk('header-control', 'authorization NUL', [rawHeaders: [Authorization: 'Bearer a\u0000b']])
        out
    }

    private Map<String, List> bodyValues(String field, Map schema) {
        Map<String, List> v = [:]
        switch (schema.type) {
            case 'string':
                v['body-control'] = CONTROLS
                v['wrong-type'] = [1, true, [], [a: 'b'], 1e308, null]
                if (field in DURATIONS) {
                    v['duration'] = BAD_DURATIONS
                }
                break
            case 'array':
                v['body-control'] = CONTROLS.collect { [it] }
                v['wrong-type'] = ['x', [1], [[a: 1]], [null], 5]
                break
            case 'object':
                v['body-control'] = CONTROLS.collect { [k: it] } + CONTROLS.collect { [(it): 'v'] }
                v['wrong-type'] = ['x', [k: 1], [k: [a: 'b']], [k: null], [1]]
                break
            case 'integer':
                v['body-control'] = ['\u0000']
                v['wrong-type'] = ['1', 1.5, 99999999999999999999999G, -1, true]
                break
            case 'boolean':
                v['body-control'] = ['\u0000']
                v['wrong-type'] = ['yes', 1]
                break
            default:
                v['body-control'] = CONTROLS
        }
        v
    }

    /** A plausible body: every documented property with a value of its type, so the one bad field is what gets read. */
    private Map<String, Object> sampleBody(Map schema) {
        Map<String, Object> samples = [name: 'corpus-x', subject: 'corpus', role: 'viewer', token: 'x.y.z', peer: base.peerId,
                                       scopes: ['read'], protocol_version: 1, hub_id: 'hub_0000abcd', url: 'https://127.0.0.1:9',
                                       tls_fingerprint: 'ab' * 32, fingerprint: 'ab' * 32, grant: base.grantToken, ttl: '1h',
                                       expires_in: '1h', reason: 'corpus', type: 'federation', force: false]
        schema.properties.collectEntries { String k, Map s ->
            [(k): samples.containsKey(k) ? samples[k] : s.type == 'array' ? ['x'] : s.type == 'object' ? [k: 'v']
                    : s.type == 'integer' ? 1 : s.type == 'boolean' ? false : 'x']
        } as Map<String, Object>
    }

    private String pathWith(Map o, Map<String, String> over) {
        Map<String, String> values = [id: o.path.startsWith('/api/v1/grants') ? base.grantId
                : o.path.startsWith('/api/v1/approvals') ? UUID.randomUUID().toString() : base.peerId,
                                      kind: 'service', name: 'web-1', move: 'advance'] + over
        o.path.replaceAll(/\{(\w+)}/) { all, String n -> values[n] }
    }

    private Wire.Answer send(Map c) {
        Map o = c.op
        boolean mtls = o.mtls
        String url = a.url() + c.path + c.query
        Map<String, String> headers = [:] + c.headers
        String token = c.token ?: (o.federation ? (o.path.startsWith('/federation/v1/resources') ? base.grantToken : null) : admin)
        if (token != null && !headers.containsKey('Authorization')) {
            headers.Authorization = 'Bearer ' + token
        }
        if (c.contentType != null) {
            headers['Content-Type'] = c.contentType
        }
        byte[] body = c.body == null ? null : (c.body as String).getBytes(StandardCharsets.UTF_8)
        if (c.rawHeaders) {
            headers.putAll(c.rawHeaders)
            String head = "${c.method} ${c.path}${c.query} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                    headers.collect { k, v -> "${k}: ${v}\r\n" }.join('') +
                    (body == null ? '' : "Content-Length: ${body.length}\r\n") + '\r\n'
            return Wire.raw(a.url(), head, body ?: new byte[0], mtls ? peerSsl : dev.entente.controlplane.HubHttp.trustAll('TLSv1.3'))
        }
        Wire.send(mtls ? peer : plain, c.method, url, headers, c.method in ['POST', 'PUT'] ? (body ?: new byte[0]) : body)
    }

    /** Whether the operation authenticates with a bearer token (admin token, or a grant on the federation resources). */
    private boolean readsBearer(Map o) {
        o.op.security == null ? !o.federation : !(o.op.security as List).isEmpty()
    }

    private Map resolve(Object p) {
        Map m = p as Map
        m.'$ref' ? doc.components.parameters[(m.'$ref' as String).tokenize('/').last()] as Map : m
    }

    private Map bodySchema(Map op) {
        Map s = op.requestBody?.content?.'application/json'?.schema as Map
        if (s?.'$ref') {
            s = doc.components.schemas[(s.'$ref' as String).tokenize('/').last()] as Map
        }
        s?.properties ? s : null
    }

    private static String jwt(Map header, Map claims) {
        def e = Base64.urlEncoder.withoutPadding()
        e.encodeToString(JsonOutput.toJson(header).getBytes(StandardCharsets.UTF_8)) + '.' +
                e.encodeToString(JsonOutput.toJson(claims).getBytes(StandardCharsets.UTF_8)) + '.' + e.encodeToString(new byte[64])
    }

    /** The same token with the signature's last character's unused low bits set: the same bytes, another spelling. */
    static String nonCanonical(String token) {
        String alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
        char last = token.charAt(token.length() - 1)
        // a 64-byte signature is 86 characters: the last carries 2 data bits and 4 unused ones
        int index = alphabet.indexOf(last as int)
        token.substring(0, token.length() - 1) + alphabet.charAt(index | 0x0f)
    }
}
