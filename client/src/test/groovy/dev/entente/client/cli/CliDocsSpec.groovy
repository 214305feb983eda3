package dev.entente.client.cli

import picocli.CommandLine
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path

/**
 * Issue 14 ("Help"): shell completion and man pages come from the command tree, so a new command
 * or option has both without anyone writing them. The pages must render without a warning.
 */
class CliDocsSpec extends Specification {
    @Shared
    @TempDir
    Path dir

    def setupSpec() {
        CliDocs.write(dir)
    }

    def "every command path of the tree has a man page: #path"() {
        given:
        Path page = dir.resolve('man/man1/' + (['entente'] + path.split(' ').toList()).join('-') + '.1')

        expect:
        Files.isRegularFile(page)
        String text = Files.readString(page)
        ['.SH "NAME"', '.SH "SYNOPSIS"', '.SH "DESCRIPTION"', '.SH "EXIT STATUS"', '.SH "ENVIRONMENT"', '.SH "SEE ALSO"']
                .every { text.contains(it) }
        text.contains('\\fBentente ' + path.replace('-', '\\-') + '\\fR')

        where:
        path << commandPaths()
    }

    def "the root page lists the commands and the variables the CLI reads"() {
        given:
        String text = Files.readString(dir.resolve('man/man1/entente.1'))

        expect:
        text.contains('.TH "ENTENTE" 1')
        ['ENTENTE_HUB', 'ENTENTE_TOKEN', 'ENTENTE_TLS_FINGERPRINT', 'ENTENTE_DATA_DIR']
                .every { text.contains('\\fB' + it.replace('-', '\\-') + '\\fR') }
        text.contains('.TP\n\\fBpeers\\fR\n')
    }

    def "a command with its own exit codes shows them, not the default ones"() {
        given:
        String text = Files.readString(dir.resolve('man/man1/entente-stop.1'))

        expect:
        text.contains('.TP\n\\fB3\\fR\n')
        text.contains('hub_not_running')
    }

    def "text is escaped for troff: hyphens, backslashes, a leading dot or quote, non-ASCII"() {
        expect:
        ManPage.text(input) == output

        where:
        input            || output
        '--expires-in'   || '\\-\\-expires\\-in'
        '.hidden'        || '\\&.hidden'
        "'quoted' word"  || "\\&'quoted' word"
        'a\\b'           || 'a\\eb'
        'in 29d → ok'    || 'in 29d \\[u2192] ok'
    }

    @Requires({ CliDocsSpec.installed('groff') })
    def "groff renders every page without a warning"() {
        when:
        List<String> complaints = pages().collectMany { Path page ->
            def p = new ProcessBuilder('groff', '-man', '-Tutf8', '-ww', '-z', page.toString()).redirectErrorStream(true).start()
            String out = p.inputStream.text
            p.waitFor()
            out.isBlank() && p.exitValue() == 0 ? [] : [page.fileName.toString() + ': ' + out.trim()]
        }

        then:
        complaints.isEmpty()
        pages().size() == commandPaths().size() + 1
    }

    @Requires({ CliDocsSpec.installed('mandoc') })
    def "mandoc finds nothing to lint on any page"() {
        when:
        def p = new ProcessBuilder(['mandoc', '-T', 'lint', '-W', 'warning'] + pages()*.toString()).redirectErrorStream(true).start()
        String out = p.inputStream.text
        p.waitFor()

        then:
        out.isBlank()
    }

    @Requires({ CliDocsSpec.installed('bash') })
    def "bash completes '#words' with #expected"() {
        given:
        Path script = dir.resolve('completion/entente.bash')
        String line = words.join(' ')
        String shell = """source '${script}' 2>/dev/null
COMP_WORDS=(${words.collect { "'" + it + "'" }.join(' ')}); COMP_CWORD=${words.size() - 1}
COMP_LINE='${line}'; COMP_POINT=${line.length()}
${CliDocs.FUNCTION} entente '${words.last()}' '${words[-2]}' 2>/dev/null
echo "\${COMPREPLY[@]}"
"""

        when:
        def p = new ProcessBuilder('bash', '-c', shell).start()
        String out = p.inputStream.text.trim()
        p.waitFor()

        then:
        out.split(/\s+/).toList() == expected

        where:
        words                                     || expected
        ['entente', 'pe']                         || ['peers']
        ['entente', 'peers', 'prop']              || ['propose']
        ['entente', 'peers', 'propose', '--exp']  || ['--expires-in']
        ['entente', 'grants', 'issue', '--pe']    || ['--peer']
    }

    def "the zsh script runs the same completion through bashcompinit"() {
        given:
        String zsh = Files.readString(dir.resolve('completion/_entente'))

        expect:
        zsh.startsWith('#compdef entente\n')
        zsh.contains('bashcompinit')
        zsh.contains(Files.readString(dir.resolve('completion/entente.bash')))
        zsh.trim().endsWith('_bash_complete -o default -F ' + CliDocs.FUNCTION)
    }

    @Requires({ CliDocsSpec.installed('zsh') })
    def "zsh parses the zsh script"() {
        when:
        def p = new ProcessBuilder('zsh', '-n', dir.resolve('completion/_entente').toString()).redirectErrorStream(true).start()
        String out = p.inputStream.text
        p.waitFor()

        then:
        p.exitValue() == 0
        out.isBlank()
    }

    private List<Path> pages() {
        Files.list(dir.resolve('man/man1')).withCloseable { it.sorted().toList() }
    }

    static boolean installed(String tool) {
        System.getenv('PATH').split(File.pathSeparator).any { Files.isExecutable(Path.of(it, tool)) }
    }

    static List<String> commandPaths() {
        List<String> paths = []
        walk(CliDocs.tree(), [], paths)
        paths
    }

    private static void walk(CommandLine cl, List<String> prefix, List<String> paths) {
        cl.subcommands.each { name, sub ->
            if (name != sub.commandName) {
                return
            }
            List<String> path = prefix + [name]
            paths << path.join(' ')
            walk(sub, path, paths)
        }
    }
}
