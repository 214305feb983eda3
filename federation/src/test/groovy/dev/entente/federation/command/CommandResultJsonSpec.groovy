package dev.entente.federation.command

import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.PropertyNamingStrategies
import dev.entente.federation.approval.ApprovalPolicy
import dev.entente.federation.peer.Peer
import dev.entente.federation.peer.PeerState
import spock.lang.Specification

import java.time.Instant

/**
 * Issue 12, typed command results: each result serialises as the JSON the admin API has always
 * answered, under a plain mapper (what an approval stores) and under the API's snake_case one;
 * a result with a secret names it and redacts only it.
 */
class CommandResultJsonSpec extends Specification {
    static final ObjectMapper PLAIN = new ObjectMapper()
    static final ObjectMapper API = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
    static final Instant T = Instant.parse('2026-11-23T12:00:00Z')

    def "a result's JSON has the names the API answered as maps, whichever mapper writes it"() {
        expect:
        PLAIN.readValue(PLAIN.writeValueAsString(result), Map) == expected
        API.readValue(API.writeValueAsString(result), Map) == expected

        where:
        result                                                                            | expected
        new CommandResult.PeerProposed(peer(), 'tok')                                     | [peer: PLAIN.convertValue(peer().view(), Map), acceptance_token: 'tok']
        new CommandResult.PeerChanged(peer())                                             | [peer: PLAIN.convertValue(peer().view(), Map)]
        new CommandResult.TokenMinted('t', 'bob', ['approver'], '2026-12-23T12:00:00Z', ['admin']) |
                [token: 't', subject: 'bob', roles: ['approver'], expires_at: '2026-12-23T12:00:00Z', minted_by: ['admin']]
        new CommandResult.ResourceDeleted('service/web-1')                                | [deleted: 'service/web-1']
        new CommandResult.AuditKeyRotated('k2')                                           | [key_id: 'k2']
        new CommandResult.PolicySet(new ApprovalPolicy('peer.revoke', 'auto', 'database', 'require_approval', 'alice', 'leak',
                '2026-11-23T12:00:00Z', '2026-11-23T12:30:00Z', true)) |
                [policy: [action: 'peer.revoke', policy: 'auto', source: 'database', configured: 'require_approval', set_by: 'alice',
                          reason: 'leak', set_at: '2026-11-23T12:00:00Z', until: '2026-11-23T12:30:00Z', lowered: true]]
        new CommandResult.TlsInfo('CN=hub', ['hub.example'], '2026-11-23T12:00:00Z', '2027-11-23T12:00:00Z', 'AB', 'Ed25519', [], null,
                'custom', 'file /etc/entente/hub.key', 'CN=Org CA', 'CD', 'c3BraQ==', 'ES256', 'pkcs11:hsm-1') |
                [subject: 'CN=hub', sans: ['hub.example'], not_before: '2026-11-23T12:00:00Z', not_after: '2027-11-23T12:00:00Z',
                 fingerprint: 'AB', key_type: 'Ed25519', grace_fingerprints: [], next_fingerprint: null, mode: 'custom',
                 key_location: 'file /etc/entente/hub.key', issuer: 'CN=Org CA', browser_fingerprint: 'CD',
                 browser_spki_sha256: 'c3BraQ==', token_signing_alg: 'ES256', token_signing_store: 'pkcs11:hsm-1']
    }

    def "a secret result names its secret, and its redacted form keeps everything else"() {
        expect:
        PLAIN.readValue(PLAIN.writeValueAsString(result.secrets()), Map) == secret
        PLAIN.readValue(PLAIN.writeValueAsString(result.redacted()), Map) == redacted

        where:
        result                                                                      | secret                   | redacted
        new CommandResult.PeerProposed(peer(), 'tok')                               | [acceptance_token: 'tok'] | [peer: PLAIN.convertValue(peer().view(), Map), acceptance_token: '(redacted)']
        new CommandResult.TokenMinted('t', 'bob', ['viewer'], '2026-12-23T12:00:00Z', []) | [token: 't'] |
                [token: '(redacted)', subject: 'bob', roles: ['viewer'], expires_at: '2026-12-23T12:00:00Z', minted_by: []]
        new CommandResult.PeerChanged(peer())                                       | [:]                      | [peer: PLAIN.convertValue(peer().view(), Map)]
    }

    def "secrets sealed by earlier versions read back as the same JSON"() {
        expect:
        PLAIN.writeValueAsString(PLAIN.readValue(stored, CommandSecrets)) == stored

        where:
        stored << ['{"token":"a.b.c"}', '{"acceptance_token":"x"}', '{"bearer_token":"fg-1.s"}']
    }

    private static Peer peer() {
        new Peer(UUID.fromString('6f1c2e9a-3b4d-4c5e-8f70-112233445566'), 'peer-1', 'hub_0123abcd', 'https://b.example:8443',
                PeerState.ACTIVE, 1, null, null, null, ['aa'], null, null, null, null, null, null, null, 0, 0, 0, null,
                null, null, null, null, null, T, T, T)
    }
}
