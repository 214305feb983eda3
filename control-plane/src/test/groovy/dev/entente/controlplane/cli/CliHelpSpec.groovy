package dev.entente.controlplane.cli

import picocli.CommandLine
import spock.lang.Specification

/**
 * Issue 14 (a defect met in the first minute): {@code entente <subcommand> --help} failed with
 * "Unknown option" on every subcommand. Every command of the tree, read from picocli's model so
 * a new one is covered, answers {@code --help} with its own usage page and exit code 0.
 */
class CliHelpSpec extends Specification {

    def "#form prints the usage page of entente #path and exits 0"() {
        given:
        def out = new StringWriter()
        def err = new StringWriter()
        List<String> words = path.split(' ').toList()

        when:
        int code = Main.run((form == '--help' ? words + ['--help'] : ['help'] + words) as String[], [:],
                new PrintWriter(out), new PrintWriter(err))

        then:
        code == 0
        out.toString().startsWith('Usage: entente ' + path)
        err.toString().isEmpty()

        where:
        // both forms over every command: picocli's own help command read only the first word
        [path, form] << [commandPaths(), ['--help', 'help']].combinations()
    }

    def "entente help with a word that is no command says which commands there are and exits 2"() {
        given:
        def out = new StringWriter()
        def err = new StringWriter()

        when:
        int code = Main.run(['help', 'tls', 'infos'] as String[], [:], new PrintWriter(out), new PrintWriter(err))

        then:
        code == 2
        err.toString().contains("Unknown command 'infos' under 'entente tls'")
        err.toString().contains('info')
    }

    def "the tree has the commands DESIGN §6 lists, so the table above is not empty by accident"() {
        expect:
        commandPaths().containsAll(['start', 'peers accept', 'ca rotate', 'operators token issue', 'audit verify'])
    }

    private static List<String> commandPaths() {
        List<String> paths = []
        walk(Main.commandLine(new EntenteCommand([:])), [], paths)
        paths
    }

    private static void walk(CommandLine cl, List<String> prefix, List<String> paths) {
        cl.subcommands.each { name, sub ->
            if (name == 'help' || sub.commandSpec.aliases().contains(name) && sub.commandName != name) {
                return
            }
            List<String> path = prefix + [name]
            paths << path.join(' ')
            walk(sub, path, paths)
        }
    }
}
