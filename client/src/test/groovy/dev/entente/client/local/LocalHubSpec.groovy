package dev.entente.client.local

import dev.entente.client.cli.Main
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Path

/**
 * The client alone (this module's class path has no control plane): the commands that run a hub on
 * this machine say what is missing, as a problem with its code, never as a stack trace.
 */
class LocalHubSpec extends Specification {
    @TempDir
    Path dir

    def "entente #command without the server part fails with server_part_missing"() {
        given:
        def out = new StringWriter()
        def err = new StringWriter()

        when:
        int code = Main.run(args as String[], [ENTENTE_DATA_DIR: dir.toString(), ENTENTE_KEY_PASSPHRASE: 'a passphrase of length'],
                new PrintWriter(out), new PrintWriter(err))

        then:
        code == 1
        err.toString().startsWith("error: server_part_missing: entente ${command} needs the server part of Entente")
        err.toString().contains('runbook: runbooks/startup-and-network.md#server_part_missing')
        !err.toString().contains('Exception')
        out.toString() == ''

        where:
        command   | args
        'start'   | ['start']
        'worker'  | ['worker', '--db-url', 'jdbc:postgresql://127.0.0.1:1/postgres']
        'stop'    | ['stop']
        'restore' | ['restore', '--from', 'backup.tar']
    }

    def "the server part is looked up only when such a command runs: the tree and its help are whole without it"() {
        given:
        def out = new StringWriter()

        when:
        int code = Main.run(['--help'] as String[], [:], new PrintWriter(out), new PrintWriter(new StringWriter()))

        then:
        code == 0
        ['start', 'stop', 'worker', 'restore'].every { out.toString().contains("  ${it} ") }
    }
}
