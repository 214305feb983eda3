package dev.entente.heartbeat.scan

import com.fasterxml.jackson.databind.ObjectMapper
import spock.lang.Specification

import java.time.Instant

class StoredFindingJsonSpec extends Specification {
    def "a finding is written snake_case in a fixed order, instants in RFC 3339, an open one with resolved_at null"() {
        given:
        def id = UUID.fromString('00000000-0000-0000-0000-000000000001')
        def f = new StoredFinding(id, 'grant_expiring', 'g-1', 'warning', 'grant g-1 expires in 2d',
                Instant.parse('2026-11-01T00:00:00Z'), Instant.parse('2026-11-02T00:00:00Z'), null)

        expect:
        new ObjectMapper().writeValueAsString(f) == '{"id":"00000000-0000-0000-0000-000000000001","code":"grant_expiring",' +
                '"subject":"g-1","severity":"warning","detail":"grant g-1 expires in 2d",' +
                '"first_seen_at":"2026-11-01T00:00:00Z","last_seen_at":"2026-11-02T00:00:00Z","resolved_at":null}'
    }
}
