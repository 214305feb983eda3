package dev.entente.federation.protocol

import com.fasterxml.jackson.databind.JsonNode
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonSlurper
import spock.lang.Specification

/**
 * Issue 12: the protocol records are the wire. JSON in the shape hubs sent before the records
 * were (built field by field from maps) must read into them, and what they write must carry the
 * same names and JSON types, so an old peer and a new one still talk. A missing or mistyped field
 * reads as null, never as a coerced value or a parse failure.
 */
class FederationJsonSpec extends Specification {
    static final String FP = 'ab' * 32

    def "a message in the shape old hubs send reads into its record, and the record writes the same fields: #type.simpleName"() {
        when:
        def read = FederationJson.read(tree(json), type)

        then:
        read == expected
        new JsonSlurper().parseText(FederationJson.mapper().writeValueAsString(read)) == new JsonSlurper().parseText(json)

        where:
        type                    | json                                                                                                                                 | expected
        HandshakeAccept         | '{"protocol_version":1,"token":"t","hub_id":"hub_0000000a","name":"a","url":"https://a:1","tls_fingerprint":"' + FP + '","csr":"C"}' | new HandshakeAccept(1, 't', 'hub_0000000a', 'a', 'https://a:1', FP, 'C')
        HandshakeAcceptAnswer   | '{"protocol_version":1,"hub_id":"hub_0000000b","name":"b","node_cert":"N","ca_bundle":"B","csr":"C"}'                               | new HandshakeAcceptAnswer(1, 'hub_0000000b', 'b', 'N', 'B', 'C')
        HandshakeComplete       | '{"protocol_version":1,"node_cert":"N","ca_bundle":"B"}'                                                                             | new HandshakeComplete(1, 'N', 'B')
        HandshakeCompleteAnswer | '{"protocol_version":1,"state":"active"}'                                                                                            | new HandshakeCompleteAnswer(1, 'active')
        RenewalRequest          | '{"protocol_version":1,"csr":"C"}'                                                                                                   | new RenewalRequest(1, 'C')
        RenewalAnswer           | '{"protocol_version":1,"node_cert":"N"}'                                                                                             | new RenewalAnswer(1, 'N')
    }

    def "a heartbeat keeps the fields it does not define as they came, and writes them back beside its own"() {
        given:
        String json = '{"protocol_version":1,"hub_id":"hub_0000000a","clock":"2026-11-28T00:00:00Z","tls_fingerprints":["' + FP + '"],' +
                '"ca_phase":"standby","audit_head":{"hub_id":"hub_0000000a","seq":7,"hmac":"00","at":"2026-11-28T00:00:00Z","key":"k","sig":"s"},' +
                '"audit_continuity":{"seq":3,"hmac":null},"from_a_newer_hub":[1,{"x":true}]}'

        when:
        Heartbeat h = FederationJson.read(tree(json), Heartbeat)

        then:
        h.protocolVersion() == 1
        h.hubId() == 'hub_0000000a'
        h.clock() == '2026-11-28T00:00:00Z'
        h.tlsFingerprints() == [FP]
        h.caPhase() == 'standby'
        h.extensions().keySet() == ['audit_head', 'audit_continuity', 'from_a_newer_hub'] as Set
        h.extensions().audit_continuity.get('hmac').isNull()
        new JsonSlurper().parseText(FederationJson.mapper().writeValueAsString(h)) == new JsonSlurper().parseText(json)
    }

    def "a heartbeat's answer is the answering hub's heartbeat with renew beside it: #renewJson reads as #renew"() {
        given:
        String json = '{"protocol_version":1,"hub_id":"hub_0000000b","clock":"c","tls_fingerprints":[],"ca_phase":"standby"' +
                (renewJson == null ? '' : ',"renew":' + renewJson) + ',"audit_witness":{"hub_id":"hub_0000000b","refused":"why"}}'

        when:
        HeartbeatAnswer a = FederationJson.read(tree(json), HeartbeatAnswer)
        Map written = new JsonSlurper().parseText(FederationJson.mapper().writeValueAsString(a)) as Map

        then:
        a.renew() == renew
        a.heartbeat().hubId() == 'hub_0000000b'
        a.heartbeat().extensions().keySet() == ['audit_witness'] as Set
        written.renew == renew
        written.audit_witness == [hub_id: 'hub_0000000b', refused: 'why']
        written.keySet() == ['protocol_version', 'hub_id', 'clock', 'tls_fingerprints', 'ca_phase', 'renew', 'audit_witness'] as Set

        where:
        renewJson | renew
        'true'    | true
        'false'   | false
        '"true"'  | false
        '1'       | false
        null      | false
    }

    def "a mistyped or missing field reads as null, so the protocol code refuses it in protocol order: #json"() {
        when:
        HandshakeAccept m = FederationJson.read(tree(json), HandshakeAccept)

        then:
        m.protocolVersion() == version
        m.token() == token
        m.hubId() == null

        where:
        json                                                   | version | token
        '{"protocol_version":"1","token":5}'                   | null    | null
        '{"protocol_version":1.0,"token":"t"}'                 | 1       | 't'
        '{"protocol_version":1.5,"token":["t"]}'               | null    | null
        '{"protocol_version":99999999999,"token":{"a":"t"}}'   | null    | null
        '{"protocol_version":null,"token":null,"hub_id":true}' | null    | null
        '{}'                                                   | null    | null
    }

    def "an answer that is not a JSON object reads as one with every field missing: #json"() {
        expect:
        FederationJson.read(json == null ? null : tree(json), HeartbeatAnswer) ==
                new HeartbeatAnswer(new Heartbeat(null, null, null, [], null, [:]), false)

        where:
        json << [null, '[]', '"x"', '5', 'null']
    }

    def "tls_fingerprints reads every element as text and anything but an array as none"() {
        expect:
        FederationJson.read(tree('{"tls_fingerprints":' + fps + '}'), Heartbeat).tlsFingerprints() == expected

        where:
        fps           | expected
        '["a","b"]'   | ['a', 'b']
        '[5,null,true]' | ['5', 'null', 'true']
        '"a"'         | []
        'null'        | []
    }

    def "a ca_phase that is not a string is refused as an invalid request, as before the records"() {
        when:
        FederationJson.read(tree('{"protocol_version":1,"ca_phase":5}'), Heartbeat)

        then:
        def e = thrown(EntenteException)
        e.code() == ErrorCode.INVALID_REQUEST
        e.detail() == 'ca_phase must be a string'
    }

    private static JsonNode tree(String json) {
        FederationJson.mapper().readTree(json)
    }
}
