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
 * Issue 12 item 6: request bodies are records Micronaut binds, read by strict field readers, and
 * every refusal keeps the words the field-by-field reading of a map had: a value of the wrong JSON
 * type is refused naming the field, never coerced; an absent body reads as one with every field
 * absent; a field the record does not know is ignored (the CLI of an earlier version sends the
 * command's own fields, such as {@code action} and {@code peer_id}).
 */
class RequestBodySpec extends Specification {
    static final String PHASES = 'standby, init, update_clients, update_servers, rollback'
    static final String LONG = 'a' * 65_537

    @Shared RunningHub hub
    @Shared String admin
    @Shared HttpClient client

    def setupSpec() {
        hub = TestHubs.start(Files.createTempDirectory('request-body'))
        admin = TestHubs.adminToken(hub)
        TestHubs.cli(hub, 'peers', 'propose', '--name', 'p-1')
        client = Wire.client(HubHttp.trustAll('TLSv1.3'))
    }

    def cleanupSpec() {
        hub?.stop()
    }

    @Unroll
    def "#method #path #label → 400 invalid_request '#detail'"() {
        when:
        def r = send(method, path, body == null ? null : JsonOutput.toJson(body))

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.detail == detail
        r.json.runbook

        where:
        method | path                               | label                   | body                                          || detail
        'POST' | '/api/v1/peers'                    | 'without a body'        | null                                          || 'name is required and must be a string'
        'POST' | '/api/v1/peers'                    | 'with {}'               | [:]                                           || 'name is required and must be a string'
        'POST' | '/api/v1/peers'                    | 'name 5'                | [name: 5]                                     || 'name is required and must be a string'
        'POST' | '/api/v1/peers'                    | 'name blank'            | [name: ' ']                                   || 'name is required and must be a string'
        'POST' | '/api/v1/peers'                    | 'name null'             | [name: null]                                  || 'name is required and must be a string'
        'POST' | '/api/v1/peers'                    | 'name over 64 KiB'      | [name: LONG]                                  || 'name is required and must be a string'
        'POST' | '/api/v1/peers'                    | 'ttl 5'                 | [name: 'p-x', ttl: 5]                         || 'ttl must be a string'
        'POST' | '/api/v1/peers'                    | 'ttl a list'            | [name: 'p-x', ttl: ['1h']]                    || 'ttl must be a string'
        'POST' | '/api/v1/peers'                    | 'ttl over 64 KiB'       | [name: 'p-x', ttl: LONG]                      || 'ttl must be a string'
        'POST' | '/api/v1/peers/accept'             | 'token true'            | [token: true]                                 || 'token is required and must be a string'
        'POST' | '/api/v1/peers/accept'             | 'name an object'        | [token: 'x.y.z', name: [a: 'b']]              || 'name must be a string'
        'POST' | '/api/v1/peers/p-1/token'          | 'ttl 1.5'               | [ttl: 1.5]                                    || 'ttl must be a string'
        'POST' | '/api/v1/peers/p-1/suspend'        | 'reason 5'              | [reason: 5]                                   || 'reason must be a string'
        'POST' | '/api/v1/peers/p-1/revoke'         | 'reason []'             | [reason: []]                                  || 'reason must be a string'
        'POST' | '/api/v1/peers/p-1/repin'          | 'without a body'        | null                                          || 'fingerprint is required and must be a string'
        'POST' | '/api/v1/peers/p-1/repin'          | 'fingerprint 5'         | [fingerprint: 5]                              || 'fingerprint is required and must be a string'
        'POST' | '/api/v1/peers/p-1/url'            | 'url false'             | [url: false]                                  || 'url is required and must be a string'
        'POST' | '/api/v1/peers/p-1/reenroll'       | 'ttl 5'                 | [ttl: 5]                                      || 'ttl must be a string'
        'POST' | '/api/v1/peers/reenroll'           | 'with {}'               | [:]                                           || 'token is required and must be a string'
        'POST' | '/api/v1/grants'                   | 'with {}'               | [:]                                           || 'peer is required and must be a string'
        'POST' | '/api/v1/grants'                   | 'peer 5'                | [peer: 5]                                     || 'peer is required and must be a string'
        'POST' | '/api/v1/grants'                   | 'peer_id 5'             | [peer_id: 5]                                  || 'peer_id is required and must be a string'
        'POST' | '/api/v1/grants'                   | 'scopes a string'       | [peer: 'p-1', scopes: 'read']                 || 'scopes must be a list of strings'
        'POST' | '/api/v1/grants'                   | 'scopes holding 1'      | [peer: 'p-1', scopes: ['read', 1]]            || 'scopes must be a list of strings'
        'POST' | '/api/v1/grants'                   | 'cidrs holding null'    | [peer: 'p-1', scopes: ['read'], cidrs: [null]] || 'cidrs must be a list of strings'
        'POST' | '/api/v1/grants'                   | 'expires_in 5'          | [peer: 'p-1', scopes: ['read'], expires_in: 5] || 'expires_in must be a string'
        'PUT'  | '/api/v1/resources/service/b-1'    | 'attributes a string'   | [attributes: 'x']                             || 'attributes must be an object of strings'
        'PUT'  | '/api/v1/resources/service/b-1'    | 'attributes a list'     | [attributes: ['x']]                           || 'attributes must be an object of strings'
        'PUT'  | '/api/v1/resources/service/b-1'    | 'attribute k 1'         | [attributes: [k: 1]]                          || 'attribute k must be a string'
        'PUT'  | '/api/v1/resources/service/b-1'    | 'attribute k null'      | [attributes: [k: null]]                       || 'attribute k must be a string'
        'PUT'  | '/api/v1/resources/service/b-1'    | 'instance_id 5'         | [instance_id: 5]                              || 'instance_id must be a string'
        'PUT'  | '/api/v1/resources/service/b-1'    | 'network_id {}'         | [network_id: [:]]                             || 'network_id must be a string'
        'POST' | '/api/v1/remote/resources'         | 'without a body'        | null                                          || 'peer is required and must be a string'
        'POST' | '/api/v1/remote/resources'         | 'grant 5'               | [peer: 'p-1', grant: 5]                       || 'grant is required and must be a string'
        'POST' | '/api/v1/remote/resources'         | 'no grant'              | [peer: 'p-1']                                 || 'grant is required and must be a string'
        'POST' | '/api/v1/remote/resources'         | 'instance 5'            | [peer: 'p-1', grant: 'fg-x', instance: 5]     || 'instance must be a string'
        'POST' | '/api/v1/operators/tokens'         | 'subject 5'             | [subject: 5, role: 'viewer']                  || 'subject must be a string'
        'POST' | '/api/v1/operators/tokens'         | 'role null'             | [subject: 'x', role: null]                    || 'role must be one of admin, operator, approver, viewer'
        'POST' | '/api/v1/operators/tokens'         | 'expires_in 5'          | [subject: 'x', role: 'viewer', expires_in: 5] || 'expires_in must be a string'
        'POST' | '/api/v1/ca/rotate/advance'        | 'type 5'                | [type: 5]                                     || 'unknown CA type 5; the only type is federation'
        'POST' | '/api/v1/ca/rotate/advance'        | 'expected_phase 5'      | [expected_phase: 5]                           || "expected_phase must be one of ${PHASES}, not 5"
        'POST' | '/api/v1/ca/rotate/advance'        | 'without a body'        | null                                          || "expected_phase is required for advance: send the phase 'entente ca status' showed (one of ${PHASES})"
    }

    def "rejecting an approval reads its reason as strictly as every other reason: 5 is refused, no longer dropped"() {
        when:
        def r = send('POST', "/api/v1/approvals/${UUID.randomUUID()}/reject", JsonOutput.toJson([reason: 5]))

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.detail == 'reason must be a string'
    }

    def "a field the record does not know is ignored, as the command's own fields an earlier CLI sends"() {
        when:
        def r = send('POST', '/api/v1/peers', JsonOutput.toJson([action: 'peer.propose', name: 'p-extra', ttl: '1h', peer_id: 'x', force: 5]))

        then:
        r.status == 201
        r.json.peer.name == 'p-extra'
    }

    def "the grant's peer may be named as the command names it, peer_id"() {
        when:
        def r = send('POST', '/api/v1/grants', JsonOutput.toJson([peer_id: 'p-1', scopes: ['read'], expires_in: '1h']))

        then:
        r.status == 201
        r.json.grant.permission_scopes == ['read']
    }

    def "only JSON true forces a rotation step: force 'yes' reads as false, as it always has"() {
        when:
        def r = send('POST', '/api/v1/ca/rotate/advance', JsonOutput.toJson([force: 'yes', expected_phase: 'init']))

        then: 'refused for the phase, not for force'
        r.status == 409
        r.json.code == 'rotation_phase_changed'
    }

    def "an operator token needs a body, as it always has"() {
        when:
        def r = send('POST', '/api/v1/operators/tokens', null)

        then:
        r.violation() == null
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.detail == 'required body [body] not specified'
    }

    def "the federation API authenticates before it reads a body: a bad one without a certificate is 401"() {
        when:
        def r = Wire.send(client, 'PUT', hub.url() + '/federation/v1/resources/service/b-1', ['Content-Type': 'application/json'],
                JsonOutput.toJson([attributes: 'x']).getBytes(StandardCharsets.UTF_8))

        then:
        r.violation() == null
        r.status == 401
        r.json.code == 'peer_cert_required'
    }

    private Wire.Answer send(String method, String path, String body) {
        Wire.send(client, method, hub.url() + path, [Authorization: 'Bearer ' + admin, 'Content-Type': 'application/json'],
                body?.getBytes(StandardCharsets.UTF_8))
    }
}
