package dev.entente.controlplane.docs

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory
import com.networknt.schema.Schema
import com.networknt.schema.SchemaLocation
import com.networknt.schema.SchemaRegistry
import com.networknt.schema.dialect.Dialects
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.security.OperatorTokens
import dev.entente.controlplane.security.Role
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification

import java.net.http.HttpRequest
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * Real answers of real hubs against docs/openapi.yml: each answer's status must be one the
 * document lists for that operation, its media type the documented one, its body valid against
 * the documented schema (OpenAPI 3.0 semantics, so {@code nullable} counts), and every member of
 * it named by that schema. Besides a handful of chosen calls, sweeps call every GET, every
 * operation with a body that is not JSON, and every parameterised one with names of nothing, so
 * a refusal the document forgot shows up here rather than in a client.
 */
class OpenApiAnswersSpec extends Specification {
    static final Path DOC = Path.of('..', 'docs', 'openapi.yml')
    // the document's schemas are loaded from this name; nothing is fetched from it
    static final String IRI = 'https://entente.dev/openapi.json'
    static final ObjectMapper JSON = new ObjectMapper()
    static final String NO_SUCH_ID = '00000000-0000-4000-8000-00000000d0e5'
    // path parameters that name nothing
    static final Map<String, String> PARAMS = [id: NO_SUCH_ID, kind: 'spec-kind', name: 'spec-name', move: 'no-such-move',
                                               action: 'no.such.action']

    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String admin
    @Shared String viewer
    @Shared String peerId
    @Shared JsonNode doc
    @Shared SchemaRegistry schemas

    def setupSpec() {
        doc = new ObjectMapper(new YAMLFactory()).readTree(DOC.toFile())
        schemas = SchemaRegistry.withDefaultDialect(Dialects.openApi30, { it.schemas([(IRI): doc.toString()]) })
        // heartbeats every second, so the link turns active within the link's wait
        Map fast = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s', 'entente.sweep.interval': '1s']
        a = TestHubs.start(Files.createTempDirectory('answers-a'), fast + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(Files.createTempDirectory('answers-b'), fast + ['entente.hub.name': 'hub-b'])
        admin = TestHubs.adminToken(a)
        viewer = a.bean(OperatorTokens).issue('spec-viewer', [Role.VIEWER] as Set, Duration.ofHours(1)).token()
        peerId = TestHubs.link(a, b, 'answers-b')
    }

    def cleanupSpec() {
        a?.close()
        b?.close()
    }

    def "the status, the peers list and one peer answer as documented"() {
        expect:
        conforms('get', '/api/v1/status', get('/api/v1/status'), 200)
        conforms('get', '/api/v1/peers', get('/api/v1/peers'), 200)
        conforms('get', '/api/v1/peers', get('/api/v1/peers?detail=true'), 200)
        conforms('get', '/api/v1/peers/{id}', get("/api/v1/peers/$peerId"), 200)
    }

    def "issuing a grant, then reading, listing and explaining it, answers as documented"() {
        when:
        def issued = post('/api/v1/grants', [peer: peerId, scopes: ['read'], expires_in: '1h'])

        then:
        conforms('post', '/api/v1/grants', issued, 201)

        when:
        String grant = issued.json.grant.id

        then:
        conforms('get', '/api/v1/grants', get('/api/v1/grants'), 200)
        conforms('get', '/api/v1/grants/{id}', get("/api/v1/grants/$grant"), 200)
        conforms('get', '/api/v1/grants/{id}/explain', get("/api/v1/grants/$grant/explain"), 200)
        conforms('post', '/api/v1/grants/{id}/revoke', post("/api/v1/grants/$grant/revoke", [reason: 'spec']), 200)
    }

    def "refusals are the documented problem documents: #why"() {
        expect:
        conforms(method, path, answer(), status)

        where:
        why                         | method | path                  | status | answer
        'a request without a field' | 'post' | '/api/v1/grants'      | 400    | { post('/api/v1/grants', [:]) }
        'a grant for no peer'       | 'post' | '/api/v1/grants'      | 404    | { post('/api/v1/grants', [peer: NO_SUCH_ID, scopes: ['read']]) }
        'a body that is not JSON'   | 'post' | '/api/v1/peers'       | 400    | { HubHttp.post("${a.url()}/api/v1/peers", '{"name":', admin) }
        'no token'                  | 'get'  | '/api/v1/status'      | 401    | { HubHttp.get("${a.url()}/api/v1/status") }
        'a viewer writing'          | 'post' | '/api/v1/grants'      | 403    | { HubHttp.post("${a.url()}/api/v1/grants", '{}', viewer) }
        'an unknown peer'           | 'get'  | '/api/v1/peers/{id}'  | 404    | { get("/api/v1/peers/$NO_SUCH_ID") }
        'an unknown grant'          | 'get'  | '/api/v1/grants/{id}' | 404    | { get("/api/v1/grants/$NO_SUCH_ID") }
    }

    def "every documented GET without path parameters answers an admin as documented"() {
        given:
        List<String> paths = doc.get('paths').fieldNames().toList().findAll { !it.contains('{') && doc.get('paths').get(it).has('get') }
                // the event stream never ends and /metrics and /openapi.yml are not JSON
                .findAll { !(it in ['/api/v1/events', '/metrics', '/openapi.yml']) }

        and: 'a resource, so its list is not empty'
        conforms('put', '/api/v1/resources/{kind}/{name}', put('/api/v1/resources/service/web-1', [instance_id: 'i-1', network_id: 'n-1']), 200)

        when: 'each path called, every difference kept, so one run names them all'
        List<String> differences = paths.findResults { path ->
            def answer = path.startsWith('/federation/') ? HubHttp.get(a.url() + path) : get(path)
            try {
                conforms('get', path, answer, answer.status)
                null
            } catch (AssertionError e) {
                e.message
            }
        }

        then:
        paths.size() >= 15
        differences == []
    }

    def "every operation on a path with parameters answers names of nothing as documented: #ids"() {
        given:
        List<Map> operations = []
        doc.get('paths').fields().findAll { it.key.contains('{') }.each { Map.Entry<String, JsonNode> path ->
            path.value.fieldNames().findAll { it in ['get', 'put', 'post', 'delete', 'patch'] }.each { String method ->
                operations << [method: method, path: path.key, uri: path.key.replaceAll(/\{([^}]+)}/) { all, name -> params[name] }]
            }
        }

        when: 'each called with an empty JSON object, every difference kept (a PUT creates what it names)'
        List<String> differences = operations.findResults { op ->
            def answer = HubHttp.send(HttpRequest.newBuilder(URI.create(a.url() + op.uri)).header('Content-Type', 'application/json')
                    .method(op.method.toUpperCase(), HttpRequest.BodyPublishers.ofString('{}')), admin)
            try {
                conforms(op.method, op.path, answer, answer.status)
                null
            } catch (AssertionError e) {
                e.message
            }
        }

        then:
        operations.size() >= 20
        differences == []

        where:
        ids                   | params
        'well-formed ids'     | PARAMS
        'ids that are no ids' | PARAMS + [id: 'not-an-id']
    }

    def "every operation that takes a body answers one that is not JSON as documented"() {
        given: 'each such operation, its path parameters naming nothing'
        List<Map> operations = []
        doc.get('paths').fields().each { Map.Entry<String, JsonNode> path ->
            path.value.fields().findAll { it.value.has('requestBody') }.each { Map.Entry<String, JsonNode> op ->
                operations << [method: op.key, path: path.key, uri: path.key.replaceAll(/\{([^}]+)}/) { all, name -> PARAMS[name] }]
            }
        }

        when:
        List<String> differences = operations.findResults { op ->
            def answer = HubHttp.send(HttpRequest.newBuilder(URI.create(a.url() + op.uri)).header('Content-Type', 'application/json')
                    .method(op.method.toUpperCase(), HttpRequest.BodyPublishers.ofString('{"name":')), admin)
            try {
                conforms(op.method, op.path, answer, answer.status)
                assert answer.status in [400, 401, 403]: "a body that is not JSON was not refused: $op.method $op.path answered $answer.status"
                null
            } catch (AssertionError e) {
                e.message
            }
        }

        then:
        operations.size() >= 20
        differences == []
    }

    /**
     * True when the answer's status is documented for the operation and equals {@code expected},
     * its media type is the documented one and its body validates; otherwise an assertion error
     * that names what differs, the validator's messages included.
     */
    private boolean conforms(String method, String path, HubHttp.Answer answer, int expected) {
        String where = "${method.toUpperCase()} $path answered $answer.status $answer.contentType: $answer.text"
        assert answer.status == expected: where
        JsonNode responses = doc.get('paths').get(path)?.get(method)?.get('responses')
        assert responses != null: "$method $path is not in the document"
        JsonNode response = responses.get(String.valueOf(answer.status))
        assert response != null: "status $answer.status is not documented: $where"
        String pointer = "/paths/${escape(path)}/$method/responses/$answer.status"
        if (response.has('$ref')) {
            pointer = response.get('$ref').asText().substring(1)
            response = doc.at(pointer)
        }
        JsonNode content = response.get('content')
        if (content == null) {
            assert !answer.text: "no body is documented: $where"
            return true
        }
        String media = answer.contentType?.tokenize(';')?.first()?.trim()
        assert content.has(media): "media type $media is not documented (${content.fieldNames().toList()}): $where"
        Schema schema = schemas.getSchema(SchemaLocation.of("$IRI#$pointer/content/${escape(media)}/schema"))
        JsonNode body = JSON.readTree(answer.text)
        def errors = schema.validate(body)
        assert errors.isEmpty(): "${errors*.toString()}: $where"
        List<String> undocumented = []
        undocumentedFields(doc.at("$pointer/content/${escape(media)}/schema"), body, '', undocumented)
        assert undocumented.isEmpty(): "fields the document does not name: $undocumented: $where"
        true
    }

    /**
     * Collects the answer's members that its schema neither names nor admits through an explicit
     * {@code additionalProperties}: a schema validator lets them pass, a client writer never hears of them.
     */
    private void undocumentedFields(JsonNode schema, JsonNode value, String at, List<String> found) {
        while (schema?.has('$ref')) {
            schema = doc.at(schema.get('$ref').asText().substring(1))
        }
        if (schema == null || value == null || ['allOf', 'anyOf', 'oneOf'].any { schema.has(it) }) {
            return
        }
        if (value.isArray() && schema.has('items')) {
            value.eachWithIndex { JsonNode item, int i -> undocumentedFields(schema.get('items'), item, "$at[$i]", found) }
        } else if (value.isObject() && schema.has('properties')) {
            JsonNode properties = schema.get('properties')
            value.fields().each { Map.Entry<String, JsonNode> member ->
                if (properties.has(member.key)) {
                    undocumentedFields(properties.get(member.key), member.value, "$at/$member.key", found)
                } else if (!schema.has('additionalProperties')) {
                    found << "$at/$member.key".toString()
                }
            }
        }
    }

    private HubHttp.Answer get(String path) {
        HubHttp.get(a.url() + path, admin)
    }

    private HubHttp.Answer post(String path, Map body) {
        HubHttp.post(a.url() + path, JsonOutput.toJson(body), admin)
    }

    private HubHttp.Answer put(String path, Map body) {
        HubHttp.send(HttpRequest.newBuilder(URI.create(a.url() + path)).header('Content-Type', 'application/json')
                .PUT(HttpRequest.BodyPublishers.ofString(JsonOutput.toJson(body))), admin)
    }

    /** A JSON pointer token: {@code ~} and {@code /} escaped. */
    private static String escape(String token) {
        token.replace('~', '~0').replace('/', '~1')
    }
}
