package dev.entente.controlplane.docs

import io.swagger.v3.oas.models.OpenAPI
import io.swagger.v3.oas.models.media.Schema
import io.swagger.v3.oas.models.parameters.Parameter
import io.swagger.v3.parser.OpenAPIV3Parser
import io.swagger.v3.parser.core.models.ParseOptions
import io.swagger.v3.parser.core.models.SwaggerParseResult
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.util.regex.Pattern

/**
 * docs/openapi.yml through a real OpenAPI 3 parser (swagger-parser), schema by schema: an
 * unexpected key, a dangling {@code $ref} or a wrong type anywhere fails the build with the
 * parser's own messages. The checks below cover what that parser accepts but other validators
 * (redocly, swagger-cli) refuse.
 */
class OpenApiValidatorSpec extends Specification {
    static final Path DOC = Path.of('..', 'docs', 'openapi.yml')
    static final Pattern REF = Pattern.compile('\\$ref: \'([^\']+)\'')

    @Shared SwaggerParseResult parsed
    @Shared OpenAPI api

    def setupSpec() {
        ParseOptions options = new ParseOptions()
        options.resolve = true
        options.validateInternalRefs = true
        // shared responses and parameters inlined, so each operation's checks see what a client gets
        options.resolveFully = true
        parsed = new OpenAPIV3Parser().readContents(Files.readString(DOC), null, options)
        api = parsed.openAPI
    }

    def "the parser reports no error and no warning"() {
        expect:
        parsed.messages == []
        api != null
    }

    def "every \$ref names a component that exists"() {
        given:
        Set<String> known = ['schemas', 'responses', 'parameters', 'requestBodies'].collectMany { kind ->
            (api.components."$kind" ?: [:]).keySet().collect { "#/components/$kind/$it".toString() }
        } as Set
        Set<String> used = (Files.readString(DOC) =~ REF).collect { it[1] } as Set

        expect:
        !used.isEmpty()
        (used - known) == [] as Set
    }

    def "every operation id is unique and every path parameter is declared, and declared only where the path has it"() {
        given:
        List<String> ids = []
        List<String> wrong = []
        api.paths.each { String path, item ->
            Set<String> inPath = (path =~ /\{([^}]+)}/).collect { it[1] } as Set
            item.readOperationsMap().each { method, op ->
                ids << op.operationId
                List<Parameter> params = (item.parameters ?: []) + (op.parameters ?: [])
                Set<String> declared = params.findAll { it.in == 'path' }.collect { it.name } as Set
                if (declared != inPath || params.any { it.in == 'path' && !it.required }) {
                    wrong << "$method $path: path has $inPath, declared $declared".toString()
                }
            }
        }

        expect:
        ids.every { it }
        ids.size() == (ids as Set).size()
        wrong == []
    }

    def "every response has a description and every 4xx or 5xx is a problem document"() {
        given:
        List<String> wrong = []
        api.paths.each { String path, item ->
            item.readOperationsMap().each { method, op ->
                op.responses.each { String code, response ->
                    if (!response.description) {
                        wrong << "$method $path $code has no description".toString()
                    }
                    // health probes answer 503 with their JSON report, which monitors read
                    boolean probe = path in ['/healthz', '/readyz'] && code == '503'
                    if (code ==~ /[45]\d\d/ && !probe && response.content?.keySet() != ['application/problem+json'] as Set) {
                        wrong << "$method $path $code is ${response.content?.keySet()}, not problem+json".toString()
                    }
                }
            }
        }

        expect:
        wrong == []
    }

    def "a nullable schema also names its type, as OpenAPI 3.0 requires"() {
        given:
        List<String> untyped = []
        api.components.schemas.each { name, schema -> walk(schema, name, untyped) }
        api.paths.each { String path, item ->
            item.readOperationsMap().each { method, op ->
                op.responses.each { code, r -> r.content?.each { type, media -> walk(media.schema, "$method $path $code", untyped) } }
                op.requestBody?.content?.each { type, media -> walk(media.schema, "$method $path body", untyped) }
            }
        }

        expect:
        untyped == []
    }

    def "every tag is described and every operation's tag is declared"() {
        given:
        Set<String> declared = api.tags*.name as Set

        expect:
        api.tags.every { it.description }
        api.paths.values().collectMany { it.readOperations() }.collectMany { it.tags }.every { it in declared }
    }

    private static void walk(Schema schema, String where, List<String> untyped) {
        if (schema == null || schema.$ref) {
            return
        }
        if (schema.nullable && !schema.type) {
            untyped << where
        }
        schema.properties?.each { name, s -> walk(s, "$where.$name", untyped) }
        walk(schema.items, "$where[]", untyped)
        if (schema.additionalProperties instanceof Schema) {
            walk(schema.additionalProperties as Schema, "$where{}", untyped)
        }
        [schema.allOf, schema.anyOf, schema.oneOf].each { list -> list?.each { walk(it, where, untyped) } }
    }
}
