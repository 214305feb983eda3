package dev.entente.client.cli

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

    def "no option name means two things: one letter is one long option everywhere in the tree"() {
        given:
        Map<String, Set<String>> meanings = [:].withDefault { [] as Set }
        Map<String, List<String>> namesPerCommand = [:]
        eachCommand(Main.commandLine(new EntenteCommand([:]))) { CommandLine cl ->
            List<String> names = cl.commandSpec.options().collectMany { it.names().toList() }
            namesPerCommand[cl.commandSpec.qualifiedName()] = names
            cl.commandSpec.options().each { o ->
                o.names().findAll { !it.startsWith('--') }.each { meanings[it] << o.longestName() }
            }
        }

        expect: 'picocli itself refuses a clash inside one command; across the tree a letter keeps its meaning'
        namesPerCommand.every { command, names -> names.size() == names.toSet().size() }
        meanings.findAll { letter, longNames -> longNames.size() > 1 }.isEmpty()
        meanings.keySet().every { it ==~ /-[a-zA-Z]/ }
        meanings['-o'] == ['--output'] as Set
        meanings['-d'] == ['--data-dir'] as Set
        meanings['-n'] == ['--name'] as Set
        meanings['-p'] == ['--peer'] as Set
    }

    def "#command takes --expires-in, and --ttl still works but is hidden"() {
        given:
        CommandLine cl = Main.commandLine(new EntenteCommand([:]))
        def spec = command.split(' ').inject(cl) { CommandLine c, String word -> c.subcommands[word] }.commandSpec

        expect:
        spec.findOption('--expires-in') != null
        spec.findOption('--ttl') == null || spec.findOption('--ttl').hidden()
        Main.parses((command.split(' ').toList() + args + ['--expires-in', '2d']) as String[])
        Main.parses((command.split(' ').toList() + args + ['--ttl', '2d']) as String[]) == (spec.findOption('--ttl') != null)

        where:
        command                 | args
        'peers propose'         | ['--name', 'b']
        'peers token'           | ['p-1']
        'peers reenroll'        | ['p-1']
        'grants issue'          | ['--peer', 'b', '--scopes', 'read']
        'grants renew'          | ['g-1']
        'operators token issue' | ['--for', 'alice', '--role', 'viewer']
    }

    private static void eachCommand(CommandLine cl, Closure visit) {
        visit(cl)
        cl.subcommands.each { name, sub ->
            if (name == sub.commandName) {
                eachCommand(sub, visit)
            }
        }
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
