package dev.entente.client.cli

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.HubIdentity
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.tls.TlsState
import picocli.CommandLine.Command
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * Issue 14, "a fast CLI": a client command must not start the server stack. Each call below runs
 * {@link Main} in a JVM of its own, as an operator's shell does, against a real hub, and reads the
 * classes that JVM loaded: none of the hub's (Micronaut context, HTTP server, Flyway, JDBC,
 * embedded PostgreSQL, Quartz, BouncyCastle, Logback, the vault, the doctor), and of the command
 * tree only the subcommand that ran. What is measured here is what loads, never how long it takes.
 */
class LeanClientSpec extends Specification {
    /** The server stack, and the whole control-plane module: the CLI lives in its own module, client. */
    static final List<String> SERVER_PACKAGES = ['io.micronaut.context', 'io.micronaut.runtime', 'io.micronaut.http.server',
                                                 'org.flywaydb', 'org.postgresql', 'io.zonky', 'org.quartz', 'com.zaxxer',
                                                 'org.bouncycastle', 'ch.qos.logback', 'org.springframework',
                                                 'dev.entente.controlplane.', 'dev.entente.ca.vault']

    @Shared @AutoCleanup('stop') RunningHub hub = TestHubs.start()
    @Shared String url
    @Shared String fingerprint

    def setupSpec() {
        url = "https://127.0.0.1:${hub.bean(HubIdentity).boundPort()}"
        fingerprint = hub.bean(TlsState).current().fingerprint()
    }

    def "entente #command answers from the hub and loads no class of the server stack"() {
        when:
        def r = runMain(command.split(' ').toList() + ['--hub', url, '--tls-fingerprint', fingerprint])

        then:
        r.code == 0
        r.out.contains(expected)
        r.loaded.findAll { c -> SERVER_PACKAGES.any { c.startsWith(it) } } == []

        where:
        command                 | expected
        'status'                | 'warnings'
        'peers list'            | ''
        'status --output json'  | '"hub_id"'
        'keys list'             | 'token-signing'
    }

    def "a client command builds only its own subtree of the command tree"() {
        when:
        def r = runMain(['status', '--hub', url, '--tls-fingerprint', fingerprint])

        then:
        r.code == 0
        r.loaded.contains('dev.entente.client.cli.StatusCommand')
        // picocli loads a command's subcommands when it builds that command: none of these ran
        // (the root's own nested types, such as the call target it resolves, are not subcommands)
        r.loaded.findAll { it.startsWith('dev.entente.client.cli.') && it.contains('Command$') && !it.contains('$$Lambda')
                && !it.startsWith('dev.entente.client.cli.EntenteCommand$') } == []
    }

    def "entente --version builds no subcommand and loads no class of the server stack"() {
        when:
        def r = runMain(['--version'])

        then:
        r.code == 0
        r.out.startsWith('entente ')
        !r.loaded.any { it.contains('Command$') && !it.startsWith('dev.entente.client.cli.EntenteCommand$') }
        r.loaded.findAll { c -> SERVER_PACKAGES.any { c.startsWith(it) } } == []
    }

    def "the lean tree names each subcommand as its @Command does, so a lean call and the usage page agree"() {
        expect:
        EntenteCommand.SUBCOMMANDS.each { name, type ->
            assert type.getAnnotation(Command).name() == name
        }
        Main.commandLine(new EntenteCommand([:])).subcommands.keySet().toList() == EntenteCommand.SUBCOMMANDS.keySet().toList()
    }

    def "the subcommand is found behind root options and their values, in both spellings"() {
        expect:
        Main.leanCommandLine(new EntenteCommand([:]), args as String[]).subcommands.keySet().toList() == expected

        where:
        args                                                    | expected
        ['--data-dir', 'peers', 'status']                       | ['status']
        ['--output=json', '--hub', 'https://h:1', 'ca', 'status'] | ['ca']
        ['--version']                                           | []
        ['help', 'status']                                      | EntenteCommand.SUBCOMMANDS.keySet().toList()
        ['stauts']                                              | EntenteCommand.SUBCOMMANDS.keySet().toList()
    }

    private Map runMain(List<String> args) {
        Path dir = Files.createTempDirectory('lean-client')
        Path classes = dir.resolve('classes.log')
        String java = Path.of(System.getProperty('java.home'), 'bin', 'java').toString()
        def command = [java, "-Xlog:class+load=info:file=${classes}:none".toString(), '-cp', System.getProperty('java.class.path'),
                       Main.name] + args
        def pb = new ProcessBuilder(command).redirectOutput(dir.resolve('out').toFile()).redirectError(dir.resolve('err').toFile())
        pb.environment().put('ENTENTE_TOKEN', TestHubs.adminToken(hub))
        pb.environment().put('ENTENTE_DATA_DIR', dir.resolve('no-hub-here').toString())
        Process p = pb.start()
        assert p.waitFor(120, TimeUnit.SECONDS)
        [code  : p.exitValue(), out: Files.readString(dir.resolve('out')) + Files.readString(dir.resolve('err')),
         loaded: Files.readAllLines(classes).collect { it.split(' ')[0] }]
    }
}
