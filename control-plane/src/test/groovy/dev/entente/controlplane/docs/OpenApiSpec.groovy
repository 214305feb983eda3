package dev.entente.controlplane.docs

import com.fasterxml.jackson.annotation.JsonAnyGetter
import com.fasterxml.jackson.annotation.JsonProperty
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.ui.ConsoleView
import dev.entente.lifecycle.audit.EventSource
import io.micronaut.web.router.Router
import org.yaml.snakeyaml.Yaml
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path

/**
 * docs/openapi.yml against the routes a real hub registers, both ways, so neither a new route nor
 * a removed one can leave the document behind; and GET /openapi.yml serving that same file.
 */
class OpenApiSpec extends Specification {
    static final Path DOC = Path.of('..', 'docs', 'openapi.yml')
    static final Set<String> METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as Set
    static final String PROBLEM = '#/components/schemas/Problem'
    // These answer no 4xx of their own: inventing one to satisfy a rule would make the document lie.
    static final Set<String> NO_CLIENT_ERRORS = ['health', 'readiness', 'metrics', 'openapi', 'federationPing'] as Set

    @Shared RunningHub hub
    @Shared String text
    @Shared Map doc

    def setupSpec() {
        hub = TestHubs.start()
        text = Files.readString(DOC)
        doc = new Yaml().load(text) as Map
    }

    def cleanupSpec() {
        hub?.close()
    }

    def "the document is OpenAPI 3.0.3 with unique operation ids"() {
        given:
        def ids = operations().collect { it.op.operationId }

        expect:
        doc.openapi == '3.0.3'
        ids.every { it instanceof String && !it.isEmpty() }
        ids.size() == (ids as Set).size()
        operations().every { it.op.summary && it.op.tags && it.op.responses }
    }

    def "every route of the hub is documented and every documented operation is routed"() {
        given:
        // The web console's HTML pages are no part of the API document (ConsoleRouteSpec covers them).
        Set<String> all = hub.context().getBean(Router).uriRoutes()
                .findAll { !ConsoleView.isConsole(it.uriMatchTemplate.toString()) }
                .collect { "${it.httpMethodName.toUpperCase()} ${normalise(it.uriMatchTemplate.toString())}".toString() } as Set
        // Micronaut answers HEAD for every GET by itself; only a HEAD without its GET is a route of ours.
        Set<String> routed = all.findAll { !(it.startsWith('HEAD ') && all.contains('GET ' + it.substring(5))) } as Set
        Set<String> documented = operations().collect { "${it.method.toUpperCase()} ${normalise(it.path)}".toString() } as Set

        expect:
        (routed - documented).isEmpty()
        (documented - routed).isEmpty()
    }

    def "every request record is documented with exactly its fields, so the CLI, the hub and the document agree"() {
        given: 'each route whose body is a record, with that record'
        Map<String, Class<?>> records = hub.context().getBean(Router).uriRoutes()
                .findAll { it.bodyArgument.present && it.bodyArgument.get().type.isRecord() }
                .collectEntries { ["${it.httpMethodName.toUpperCase()} ${normalise(it.uriMatchTemplate.toString())}".toString(),
                                   it.bodyArgument.get().type] }
        Map<String, Set<String>> documented = operations().collectEntries {
            ["${it.method.toUpperCase()} ${normalise(it.path)}".toString(), documentedFields(it.op)]
        }

        expect: 'exactly its fields; a record that also carries any others (a heartbeat) may document more'
        records.keySet().count { it.contains('/api/v1/') } >= 15
        records.findAll { route, record ->
            carriesOthers(record) ? !documented[route].containsAll(jsonFields(record)) : documented[route] != jsonFields(record)
        }.collectEntries { route, record -> [route, jsonFields(record)] } == [:]
    }

    def "the event sources the document lists are exactly the hub's"() {
        expect:
        doc.paths['/api/v1/events'].get.parameters.find { it.name == 'source' }.schema.enum as Set ==
                EventSource.values()*.value() as Set
    }

    def "every operation that can refuse a client says so with a Problem"() {
        given:
        def missing = operations().findAll { !(it.op.operationId in NO_CLIENT_ERRORS) }.findAll { o ->
            !o.op.responses.any { code, resp -> code.toString().startsWith('4') && problem(resp) }
        }.collect { it.op.operationId }

        expect:
        missing.isEmpty()
        // the exemptions stay exact: an exempted operation that gains a 4xx leaves the list
        operations().findAll { it.op.operationId in NO_CLIENT_ERRORS }.size() == NO_CLIENT_ERRORS.size()
        doc.components.schemas.Problem.properties.keySet().containsAll(['type', 'title', 'status', 'detail', 'code', 'runbook'])
    }

    def "GET /openapi.yml needs no token and serves docs/openapi.yml"() {
        when:
        def answer = HubHttp.get("${hub.url()}/openapi.yml")

        then:
        answer.status == 200
        answer.contentType.startsWith('application/yaml')
        answer.text == text
    }

    def "the admin API still refuses a call without a token"() {
        expect:
        HubHttp.get("${hub.url()}/api/v1/status").status == 401
    }

    /** Each operation with its method and path, path-level entries (parameters) left out. */
    private List<Map> operations() {
        doc.paths.collectMany { String path, Map item ->
            item.findAll { k, v -> k in METHODS }.collect { k, v -> [path: path, method: k, op: v] }
        }
    }

    /**
     * A record's JSON field names: each component's {@code @JsonProperty}, else its name; a
     * component that carries any other fields (a heartbeat's extensions) names none itself.
     */
    private static Set<String> jsonFields(Class<?> record) {
        record.recordComponents.findAll { it.accessor.getAnnotation(JsonAnyGetter) == null }
                .collect { it.accessor.getAnnotation(JsonProperty)?.value() ?: it.name } as Set
    }

    private static boolean carriesOthers(Class<?> record) {
        record.recordComponents.any { it.accessor.getAnnotation(JsonAnyGetter) != null }
    }

    /** The property names of an operation's JSON request body, following a {@code $ref}. */
    private Set<String> documentedFields(Map op) {
        Map schema = op.requestBody?.content?.'application/json'?.schema as Map
        if (schema?.'$ref') {
            schema = doc.components.schemas[(schema.'$ref' as String).tokenize('/').last()] as Map
        }
        (schema?.properties ?: [:]).keySet() as Set
    }

    /** Path parameters compared by position only; any query part of a router template dropped. */
    private static String normalise(String template) {
        String path = template.replaceAll(/\{[?&][^}]*}/, '')
        path = path.replaceAll(/\{[^}]*}/, '{}')
        path.length() > 1 && path.endsWith('/') ? path[0..-2] : path
    }

    private boolean problem(Object response) {
        Map r = response as Map
        if (r.'$ref') {
            r = doc.components.responses[(r.'$ref' as String).substring('#/components/responses/'.length())] as Map
        }
        r?.content?.'application/problem+json'?.schema?.'$ref' == PROBLEM
    }
}
