package dev.entente.federation.command

import com.fasterxml.jackson.databind.ObjectMapper
import dev.entente.ca.rotation.RotationState
import dev.entente.federation.grant.Permission
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.Specification

/**
 * Issue 12, typed commands: one record per operator action, stored by an approval as its action
 * and snake_case arguments; arguments stored before commands were records load into
 * the same records; every value is checked once, when the record is made, with the codes the
 * admin API has always answered.
 */
class CommandJsonSpec extends Specification {
    static final String PEER = '6f1c2e9a-3b4d-4c5e-8f70-112233445566'
    static final ObjectMapper JSON = new ObjectMapper()

    def "a command's stored arguments are its snake_case fields, and read back with its action as the same command"() {
        when:
        Map arguments = JSON.convertValue(CommandJson.arguments(command), Map)

        then:
        arguments.keySet() == fields as Set
        CommandJson.read(command.action(), CommandJson.arguments(command)) == command

        where:
        command                                                                     | fields
        new ProposePeer('hub-b', '7d')                                              | ['name', 'ttl']
        new AcceptPeer('a.b.c', null)                                               | ['token', 'name']
        new NewAcceptanceToken(PEER, null)                                          | ['peer_id', 'ttl']
        new SuspendPeer(PEER, 'maintenance')                                        | ['peer_id', 'reason']
        new ResumePeer(PEER)                                                        | ['peer_id']
        new RevokePeer(PEER, 'contract ended')                                      | ['peer_id', 'reason']
        new RepinPeer(PEER, 'AB:' * 31 + 'AB')                                      | ['peer_id', 'fingerprint']
        new SetPeerUrl(PEER, 'https://hub-b.example.org:7443')                      | ['peer_id', 'url']
        new IssueGrant(PEER, ['read'], null, null, null, null)                      | ['peer_id', 'scopes', 'instances', 'networks', 'cidrs', 'expires_in']
        new IssueGrant(PEER, ['read', 'write'], ['i-1'], ['n-1'], ['10.0.0.0/8'], '12h') | ['peer_id', 'scopes', 'instances', 'networks', 'cidrs', 'expires_in']
        new RevokeGrant(PEER, null)                                                 | ['grant_id', 'reason']
        new IssueGrant(PEER, ['read'], null, null, null, '1h', true, null)          | ['peer_id', 'scopes', 'instances', 'networks', 'cidrs', 'expires_in', 'auto_renew', 'max_lifetime']
        new UpdateGrant(PEER, null, ['i-2'], null, null, null, null, null)          | ['grant_id', 'scopes', 'instances', 'networks', 'cidrs', 'expires_in', 'auto_renew', 'max_lifetime']
        new UpdateGrant(PEER, ['read', 'write'], null, null, null, '2d', true, '30d') | ['grant_id', 'scopes', 'instances', 'networks', 'cidrs', 'expires_in', 'auto_renew', 'max_lifetime']
        new RenewGrant(PEER, '90d')                                                 | ['grant_id', 'expires_in']
        new RotateCa(RotationMove.ADVANCE, true, 'update_clients')                  | ['move', 'force', 'expected_phase']
        new IssueOperatorToken('bob', 'approver', null, ['admin'])                  | ['subject', 'role', 'expires_in', 'minted_by']
        new PutResource('service', 'web-1', 'i-1', null, [tier: 'gold'])           | ['kind', 'name', 'instance_id', 'network_id', 'attributes']
        new DeleteResource('service', 'web-1')                                      | ['kind', 'name']
        new RotateTls()                                                             | []
        new RotateAuditKey()                                                        | []
        new NewReenrolmentToken(PEER, '2h')                                         | ['peer_id', 'ttl']
        new ReenrolPeer('a.b.c')                                                    | ['token']
        new SetApprovalPolicy('peer.revoke', 'auto', '30m', 'leaked key')           | ['target', 'policy', 'duration', 'reason']
    }

    def "every command has a type id, so a new command cannot go unread"() {
        expect:
        CommandTypes.TYPES.values() as Set == concrete(OperatorCommand)
    }

    /** The records under a sealed interface, through its sealed sub-interfaces ({@link RedeemsToken}). */
    private static Set<Class> concrete(Class sealed) {
        sealed.permittedSubclasses.collectMany { it.isInterface() ? concrete(it) : [it] } as Set
    }

    def "arguments stored before commands were records load as the command they asked for"() {
        when:
        OperatorCommand command = CommandJson.read(action, CommandJson.tree(stored))

        then:
        command == expected

        where:
        action                 | stored                                                                                                           || expected
        'peer.propose'         | '{"name":"hub-b","ttl":"7d"}'                                                                                    || new ProposePeer('hub-b', '7d')
        'peer.accept'          | '{"token":"a.b.c","name":null}'                                                                                  || new AcceptPeer('a.b.c', null)
        'peer.revoke'          | """{"peer_id":"$PEER","reason":"contract ended"}"""                                                              || new RevokePeer(PEER, 'contract ended')
        'grant.issue.write'    | """{"peer_id":"$PEER","scopes":["read","write"],"instances":[],"networks":[],"cidrs":[],"expires_in":"30d"}""" || new IssueGrant(PEER, ['read', 'write'], [], [], [], '30d')
        'ca.rotate'            | '{"move":"rollback","force":false,"expected_phase":"init"}'                                                      || new RotateCa(RotationMove.ROLLBACK, false, 'init')
        'ca.rotate'            | '{"move":"start","force":false,"expected_phase":"standby"}'                                                      || new RotateCa(RotationMove.START, false, null)
        'operator.token.issue' | '{"subject":"bob","role":"approver","expires_in":"30d","minted_by":["admin"]}'                                   || new IssueOperatorToken('bob', 'approver', '30d', ['admin'])
    }

    def "stored arguments keep their shape: the same keys in the same order"() {
        expect:
        JSON.writeValueAsString(CommandJson.arguments(command)) == stored

        where:
        command                                                    || stored
        new RevokePeer(PEER, 'contract ended')                     || """{"peer_id":"$PEER","reason":"contract ended"}"""
        new IssueGrant(PEER, ['read', 'write'], [], [], [], null)  || """{"peer_id":"$PEER","scopes":["read","write"],"instances":[],"networks":[],"cidrs":[],"expires_in":"30d"}"""
        new RotateCa(RotationMove.START, false, null)              || '{"move":"start","force":false,"expected_phase":"standby"}'
        new ProposePeer('hub-b', '168h')                           || '{"name":"hub-b","ttl":"7d"}'
    }

    def "each command checks its values once, with the code the API answers: #detail"() {
        when:
        make()

        then:
        EntenteException e = thrown()
        e.code() == code
        e.detail().contains(detail)

        where:
        code                           | detail                                                    || make
        ErrorCode.PEER_NAME_INVALID    | "peer name 'Bad Name' is invalid"                         || { -> new ProposePeer('Bad Name', null) }
        ErrorCode.INVALID_REQUEST      | "ttl '31d' is too long"                                   || { -> new ProposePeer('hub-b', '31d') }
        ErrorCode.INVALID_REQUEST      | 'token is required'                                       || { -> new AcceptPeer(' ', null) }
        ErrorCode.PEER_REASON_REQUIRED | 'revoking a peer needs --reason'                          || { -> new RevokePeer(PEER, ' ') }
        ErrorCode.INVALID_REQUEST      | '64 hex digits'                                           || { -> new RepinPeer(PEER, 'abc') }
        ErrorCode.PEER_URL_INVALID     | 'must start with https://'                                || { -> new SetPeerUrl(PEER, 'http://hub-b:7443') }
        ErrorCode.PEER_URL_INVALID     | 'user info'                                               || { -> new SetPeerUrl(PEER, 'https://u:p@hub-b:7443') }
        ErrorCode.PEER_URL_INVALID     | 'names no host'                                           || { -> new SetPeerUrl(PEER, 'https:///x') }
        ErrorCode.PEER_URL_INVALID     | 'query or fragment'                                       || { -> new SetPeerUrl(PEER, 'https://hub-b:7443/#x') }
        ErrorCode.INVALID_REQUEST      | 'url is required'                                         || { -> new SetPeerUrl(PEER, ' ') }
        ErrorCode.INVALID_REQUEST      | 'scopes are read and write, not admin'                    || { -> new IssueGrant(PEER, ['admin'], null, null, null, null) }
        ErrorCode.INVALID_REQUEST      | "expires_in '400d' is too long"                           || { -> new IssueGrant(PEER, ['read'], null, null, null, '400d') }
        ErrorCode.INVALID_REQUEST      | 'nothing to update'                                       || { -> new UpdateGrant(PEER, null, null, null, null, null, null, null) }
        ErrorCode.INVALID_REQUEST      | 'scopes are read and write, not admin'                    || { -> new UpdateGrant(PEER, ['admin'], null, null, null, null, null, null) }
        ErrorCode.INVALID_REQUEST      | "max_lifetime '4000d' is too long"                        || { -> new UpdateGrant(PEER, null, null, null, null, null, true, '4000d') }
        ErrorCode.INVALID_REQUEST      | 'expires_in is required'                                  || { -> new RenewGrant(PEER, null) }
        ErrorCode.INVALID_REQUEST      | "expires_in 'soon' is not a duration"                     || { -> new RenewGrant(PEER, 'soon') }
        ErrorCode.NOT_FOUND            | 'no rotation move sideways; use start, advance or rollback' || { -> RotationMove.of('sideways') }
        ErrorCode.INVALID_REQUEST      | 'expected_phase is required for advance'                  || { -> new RotateCa(RotationMove.ADVANCE, false, null) }
        ErrorCode.INVALID_REQUEST      | 'start leaves standby only'                               || { -> new RotateCa(RotationMove.START, false, 'init') }
        ErrorCode.INVALID_REQUEST      | 'expected_phase must be one of'                           || { -> new RotateCa(RotationMove.ROLLBACK, false, 'sideways') }
        ErrorCode.INVALID_REQUEST      | 'unknown CA type acme'                                    || { -> RotateCa.checkType('acme') }
        ErrorCode.INVALID_REQUEST      | 'subject must be 1-64 characters'                         || { -> new IssueOperatorToken('bad subject', 'viewer', null, null) }
        ErrorCode.INVALID_REQUEST      | 'role must be one of admin, operator, approver, viewer'   || { -> new IssueOperatorToken('bob', 'root', null, null) }
        ErrorCode.INVALID_REQUEST      | 'role must be one of admin, operator, approver, viewer'   || { -> new IssueOperatorToken('bob', null, null, null) }
        ErrorCode.INVALID_REQUEST      | 'expires_in must be between 1s and 365d'                  || { -> new IssueOperatorToken('bob', 'viewer', '0s', null) }
        ErrorCode.INVALID_REQUEST      | 'kind must be 1-63 characters'                            || { -> new PutResource('Service', 'web-1', null, null, null) }
        ErrorCode.INVALID_REQUEST      | 'instance must be 1-128 characters'                       || { -> new PutResource('service', 'web-1', 'i 1', null, null) }
        ErrorCode.INVALID_REQUEST      | 'attribute names look like region'                        || { -> new PutResource('service', 'web-1', null, null, ['Bad Key': 'x']) }
        ErrorCode.INVALID_REQUEST      | "name must be 1-128 characters"                           || { -> new DeleteResource('service', '../etc') }
    }

    def "a stored value that no longer passes fails loading with the command's own error"() {
        when:
        CommandJson.read('ca.rotate', CommandJson.tree('{"move":"advance","force":false}'))

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.INVALID_REQUEST
        e.detail().startsWith('expected_phase is required for advance')
    }

    def "values come out typed: durations, permissions, phases"() {
        expect:
        new ProposePeer('hub-b', null).lifetime(java.time.Duration.ofDays(7)) == java.time.Duration.ofDays(7)
        new ProposePeer('hub-b', '2h').lifetime(java.time.Duration.ofDays(7)) == java.time.Duration.ofHours(2)
        new IssueGrant(PEER, ['write'], null, null, null, null).permissions() == [Permission.WRITE] as Set
        new IssueGrant(PEER, ['write'], null, null, null, null).action() == 'grant.issue.write'
        new IssueGrant(PEER, ['read'], null, null, null, null).action() == 'grant.issue.read'
        new RotateCa(RotationMove.START, false, null).expected() == RotationState.STANDBY
        new RepinPeer(PEER, 'AB:' * 31 + 'AB').fingerprint() == 'ab' * 32
        new SetPeerUrl(PEER, 'https://hub-b.example.org:7443/').url() == 'https://hub-b.example.org:7443'
    }

    def "an acceptance token stays out of a command's text"() {
        expect:
        !new AcceptPeer('secret.token.value', 'hub-a').toString().contains('secret')
    }
}
