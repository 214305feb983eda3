package dev.entente.controlplane.hub

import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import groovy.json.JsonSlurper
import spock.lang.Specification

import java.nio.file.Files

/**
 * Issue 6, "port already in use" at start, created for real: this JVM holds the port. The start
 * fails with port_in_use naming the holder's pid from /proc, leaves no embedded PostgreSQL or
 * data-dir lock behind, and the same data dir starts on a free port right after.
 */
class PortInUseSpec extends Specification {
    def "a hub started on a port another process listens on names that process and leaves nothing running"() {
        given:
        def dir = Files.createTempDirectory('entente-port')
        def holder = new ServerSocket(0, 50, InetAddress.getByName('127.0.0.1'))
        int port = holder.localPort

        when: 'started through the CLI, as an operator would'
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(['start', '--data-dir', dir.toString(), '--bind', '127.0.0.1', '--port', "$port".toString(),
                             '--name', 'hub-port', '--output', 'json'] as String[], [:], new PrintWriter(out), new PrintWriter(err))
        String text = err.toString()
        def problem = new JsonSlurper().parseText(text.substring(text.indexOf('{'), text.lastIndexOf('}') + 1))

        then:
        code != 0
        problem.code == 'port_in_use'
        problem.detail.contains("127.0.0.1:$port is already in use by pid ${ProcessHandle.current().pid()} ")
        problem.detail.contains('start with --port')
        problem.runbook.contains('startup-and-network.md#port_in_use')

        when: 'the port is still held, but the data dir is free again: another port works at once'
        def hub = TestHubs.start(dir, ['entente.hub.name': 'hub-port'])

        then:
        hub.port() != port
        hub.hubId() =~ /^hub_[0-9a-f]{8}$/

        cleanup:
        hub?.stop()
        holder?.close()
    }
}
