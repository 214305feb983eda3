package dev.entente.federation.resource

import com.fasterxml.jackson.databind.ObjectMapper
import spock.lang.Specification

import java.time.Instant

class ResourceJsonSpec extends Specification {
    def "a resource is written in DESIGN §10's shape, attributes by name, timestamps left in the hub"() {
        given:
        def r = new Resource('db', 'orders', 'i-1', null, [zone: 'b', engine: 'pg'], Instant.EPOCH, Instant.EPOCH)

        when:
        String json = new ObjectMapper().writeValueAsString(r)

        then:
        json == '{"kind":"db","name":"orders","instance_id":"i-1","network_id":null,"attributes":{"engine":"pg","zone":"b"}}'
    }
}
