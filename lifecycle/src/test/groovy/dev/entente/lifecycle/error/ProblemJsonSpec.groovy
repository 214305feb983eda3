package dev.entente.lifecycle.error

import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.PropertyNamingStrategies
import spock.lang.Specification

class ProblemJsonSpec extends Specification {
    def "a problem is written with its members in order and its extensions after them, by #mapperName"() {
        given:
        def e = new EntenteException(ErrorCode.TRANSITION_REJECTED, 'cannot resume a revoked peer',
                [state: 'revoked', allowed_events: []])

        when:
        Map json = mapper.convertValue(e.toProblem(), Map)

        then:
        json.keySet() as List == ['type', 'code', 'title', 'status', 'detail', 'runbook', 'state', 'allowed_events']
                || json.keySet() as List == ['type', 'code', 'title', 'status', 'detail', 'runbook', 'allowed_events', 'state']
        json.type == 'https://entente.dev/problems/transition_rejected'
        json.code == 'transition_rejected'
        json.status == ErrorCode.TRANSITION_REJECTED.status()
        json.detail == 'cannot resume a revoked peer'
        json.runbook == ErrorCode.TRANSITION_REJECTED.runbook()
        json.state == 'revoked'
        json.allowed_events == []

        where:
        mapperName    | mapper
        'plain'       | new ObjectMapper()
        // the hub's API mapper names properties snake_case; a problem's names are already
        'snake_case'  | new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
    }

    def "a null detail is written as null, not left out"() {
        expect:
        new ObjectMapper().convertValue(Problem.of(ErrorCode.INTERNAL_ERROR, null), Map).containsKey('detail')
    }
}
