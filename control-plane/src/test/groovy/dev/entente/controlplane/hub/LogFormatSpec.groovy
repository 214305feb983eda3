package dev.entente.controlplane.hub

import dev.entente.controlplane.HubProcesses
import dev.entente.controlplane.TestHubs
import dev.entente.lifecycle.error.EntenteException
import groovy.json.JsonSlurper
import spock.lang.Specification

import java.nio.file.Files

/** {@code entente.log.*}: a log shipper gets one JSON object per line; a wrong value stops the start. */
class LogFormatSpec extends Specification {

    def "ENTENTE_LOG_FORMAT=json makes every log line of a started hub a JSON object"() {
        given:
        def dir = Files.createTempDirectory('log-json')

        when:
        def process = HubProcesses.launch(dir, [:], [ENTENTE_LOG_FORMAT: 'json', ENTENTE_LOG_LEVEL: 'debug'])
        HubProcesses.awaitHealthy(dir, process)
        def lines = dir.resolve('hub.out').readLines().findAll { it.startsWith('{') }

        then: 'debug events too: the level came from the environment through the configuration'
        lines.size() > 5
        lines.every { new JsonSlurper().parseText(it).level }
        lines.any { new JsonSlurper().parseText(it).level == 'DEBUG' }

        cleanup:
        process?.destroy()
        process?.waitFor()
    }

    def "entente.log.#key '#value' is refused at start, naming the key"() {
        when:
        TestHubs.start(Files.createTempDirectory('log-bad'), [("entente.log.${key}".toString()): value])

        then:
        EntenteException e = thrown()
        e.code().code() == 'invalid_request'
        e.detail() == "entente.log.${key} '${value}' is not one of ${choices}"

        where:
        key      | value   || choices
        'level'  | 'loud'  || 'error, warn, info, debug, trace'
        'format' | 'xml'   || 'text, json'
    }
}
