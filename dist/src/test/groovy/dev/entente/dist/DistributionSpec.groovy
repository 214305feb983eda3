package dev.entente.dist

import groovy.json.JsonSlurper
import org.yaml.snakeyaml.Yaml
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * The distribution (issue 14): the real {@code entente-VERSION.tar.gz} of this build, unpacked,
 * runs a hub with only a Java runtime (no Maven, no source tree), and holds everything it promises.
 * Run by failsafe after {@code package}, which made the tarball.
 */
class DistributionSpec extends Specification {
    static final Path TARGET = Path.of(System.getProperty('java.io.tmpdir')).toAbsolutePath()
    static final String VERSION = System.getProperty('entente.dist.version')
    static final Path TARBALL = Path.of(System.getProperty('entente.dist.tarball'))
    static final Path REPO = Path.of(System.getProperty('entente.dist.repository')).toAbsolutePath().normalize()
    static final String JAVA_BIN = Path.of(System.getProperty('java.home'), 'bin').toString()
    /** Everything a run makes (an unpacked tarball, hubs' data dirs): kept for a look after a failure, cleared by the next run. */
    static final Path WORK = TARGET.resolve('distribution-spec')

    @Shared
    Path home

    def setupSpec() {
        WORK.toFile().deleteDir()
        Path into = Files.createDirectories(WORK.resolve('unpacked'))
        assert run(['tar', '-xzf', TARBALL.toString(), '-C', into.toString()]).code == 0
        home = into.resolve('entente-' + VERSION)
    }

    def "the tarball unpacks to one directory holding the launcher, the jars, docs, runbooks, unit, example config and README"() {
        when:
        def entries = run(['tar', '-tzf', TARBALL.toString()]).out.readLines()

        then: 'everything sits under entente-VERSION/'
        entries.every { it.startsWith("entente-${VERSION}/") }

        and: 'the launcher is executable; lib/ is control-plane/target/lib plus entente.jar, the CLI (entente-client) among them'
        Files.isExecutable(home.resolve('bin/entente'))
        Files.isReadable(home.resolve('bin/entente-jvm-opts'))
        names(home.resolve('lib')) == (names(REPO.resolve('control-plane/target/lib')) + ['entente.jar']).sort()
        names(home.resolve('lib')).contains("entente-client-${VERSION}.jar".toString())

        and: 'one version of each library: the launcher puts all of lib/ on the class path (a second one is a stale jar: mvn clean package)'
        names(home.resolve('lib')).countBy { jar -> def m = jar =~ /^(.+?)-\d.*\.jar$/; m.matches() ? m.group(1) : jar }
                .findAll { name, count -> count > 1 } == [:]

        and: 'the docs and runbooks trees of the repository, file for file'
        files(home.resolve('docs')) == files(REPO.resolve('docs'))
        files(home.resolve('runbooks')) == files(REPO.resolve('runbooks'))
        ['systemd/entente.service', 'entente.yml.example', 'README.md'].every { Files.isRegularFile(home.resolve(it)) }

        and: 'completion scripts and man pages, when the build generated them'
        files(home.resolve('completion')) == files(REPO.resolve('client/target/cli-docs/completion'))
        files(home.resolve('man')) == files(REPO.resolve('client/target/cli-docs/man'))
    }

    def "from the tarball with no Maven: start --background on the example config, status, peers propose, stop"() {
        given: 'the launcher reached through a symlink elsewhere, as /usr/local/bin/entente would be'
        def scratch = Files.createDirectories(WORK.resolve('run'))
        def link = Files.createSymbolicLink(Files.createDirectories(scratch.resolve('usr-local-bin')).resolve('entente'),
                home.resolve('bin/entente'))

        and: 'a PATH of java and the system tools, where mvn, if anything called it, would leave a mark'
        def trap = Files.createDirectories(scratch.resolve('trap'))
        def mvn = trap.resolve('mvn')
        mvn.text = "#!/bin/sh\necho \"\$@\" >> '${scratch.resolve('mvn-called')}'\nexit 1\n"
        mvn.toFile().setExecutable(true)
        def env = [PATH: "${trap}:${JAVA_BIN}:/usr/bin:/bin".toString(),
                   ENTENTE_JAVA_OPTS: '-Dentente.testing.weak-kdf=true -XX:TieredStopAtLevel=1',
                   ENTENTE_PG_CACHE: WORK.resolve('pg-cache').toString()]

        and: 'the example config as the data dir entente.yml (flags override its port and address)'
        def data = Files.createDirectories(scratch.resolve('data'))
        Files.copy(home.resolve('entente.yml.example'), data.resolve('entente.yml'))

        when:
        def started = run([link.toString(), 'start', '--background', '--data-dir', data.toString(),
                           '--bind', '127.0.0.1', '--port', '0'], env)

        then:
        started.code == 0
        started.out.contains('is up in the background')
        def pid = json(data).pid as long
        ProcessHandle.of(pid).map { it.alive }.orElse(false)

        when:
        def status = run([link.toString(), 'status', '--data-dir', data.toString(), '--output', 'json'], env)
        def proposed = run([link.toString(), 'peers', 'propose', '--name', 'x', '--data-dir', data.toString()], env)

        then:
        status.code == 0
        new JsonSlurper().parseText(status.out).hub_id == json(data).hub_id
        proposed.code == 0
        proposed.out.contains('acceptance token')

        when:
        def stopped = run([link.toString(), 'stop', '--data-dir', data.toString()], env)

        then: 'the hub and its PostgreSQL are gone; nothing called Maven'
        stopped.code == 0
        stopped.out.contains("stopped hub (pid ${pid})")
        !ProcessHandle.of(pid).map { it.alive }.orElse(false)
        processesUsing(data) == []
        !Files.exists(scratch.resolve('mvn-called'))

        cleanup:
        if (data != null && Files.exists(data.resolve('hub.json'))) {
            ProcessHandle.of(json(data).pid as long).ifPresent { it.destroy() }
        }
    }

    def "the launcher prefers JAVA_HOME, passes ENTENTE_JAVA_OPTS, and says what to do without any Java"() {
        given: 'a JAVA_HOME whose java notes its arguments and runs the real one'
        def scratch = Files.createDirectories(WORK.resolve('java-home'))
        def fakeBin = Files.createDirectories(scratch.resolve('jdk/bin'))
        def java = fakeBin.resolve('java')
        java.text = "#!/bin/sh\necho \"\$@\" > '${scratch.resolve('args')}'\nexec '${JAVA_BIN}/java' \"\$@\"\n"
        java.toFile().setExecutable(true)

        and: 'reached through a chain of relative symlinks'
        def outer = Files.createSymbolicLink(scratch.resolve('entente'), Path.of('bin-link/entente'))
        def binLink = Files.createDirectories(scratch.resolve('bin-link'))
        Files.createSymbolicLink(binLink.resolve('entente'), binLink.relativize(home.resolve('bin/entente')))

        when:
        def help = run([outer.toString(), '--help'],
                [JAVA_HOME: scratch.resolve('jdk').toString(), PATH: '/usr/bin:/bin', ENTENTE_JAVA_OPTS: '-Xss1m -Dmarker=1'])

        then:
        help.code == 0
        help.out.contains('start')
        scratch.resolve('args').text.contains("-Xss1m -Dmarker=1 -cp ${home.toRealPath()}/lib/* dev.entente.client.cli.Main --help")
        scratch.resolve('args').text.startsWith('-XX:TieredStopAtLevel=1 ') // bin/entente-jvm-opts' client options come first

        when: 'no JAVA_HOME and no java on the PATH'
        def tools = Files.createDirectories(scratch.resolve('tools'))
        ['readlink', 'dirname'].each { Files.createSymbolicLink(tools.resolve(it), Path.of('/usr/bin', it)) }
        def none = run([home.resolve('bin/entente').toString(), 'status'], [PATH: tools.toString()])

        then:
        none.code == 127
        none.err.contains('no Java runtime')
        none.err.contains('JAVA_HOME')
    }

    def "the example config holds only keys the hub knows, each with the default docs/configuration.md gives"() {
        given:
        def documented = [:]
        (REPO.resolve('docs/configuration.md').text =~ /(?m)^\| `(entente\.[a-z0-9.-]+)` \| `?([^`|]*?)`? \|/).each {
            documented[it[1]] = it[2].trim()
        }
        Map example = new Yaml().load(home.resolve('entente.yml.example').text) as Map

        when:
        def keys = flatten(example)

        then:
        keys.size() >= 15
        keys.each { key, value ->
            assert documented.containsKey(key)
            assert documented[key] == String.valueOf(value)
        }
    }

    @Requires(value = { new File('/usr/bin/systemd-analyze').canExecute() || new File('/bin/systemd-analyze').canExecute() },
            reason = 'systemd-analyze is not installed (Debian: apt-get install systemd)')
    def "the systemd unit passes systemd-analyze verify, pointed at the unpacked tarball"() {
        given: 'the unit with /opt/entente replaced by where the tarball was unpacked'
        def unit = home.resolve('systemd/entente.service').text
        def dir = Files.createDirectories(WORK.resolve('systemd'))
        def copy = dir.resolve('entente.service')
        copy.text = unit.replace('/opt/entente', home.toString())

        when:
        def verified = run(['systemd-analyze', 'verify', copy.toString()])

        then: 'no error and no warning (an unknown key is only a warning)'
        verified.code == 0
        verified.err.readLines().findAll { it.contains('entente.service') } == []

        and: 'what operators and the hub rely on'
        def settings = unitSettings(unit)
        settings.Type == 'simple'
        settings.User == 'entente'
        settings.ExecStart.startsWith('/opt/entente/bin/entente start --data-dir /var/lib/entente')
        settings.StateDirectory == 'entente'
        settings.WorkingDirectory == '/var/lib/entente' // JVM crash and heap dumps land in the working directory
        settings.Restart == 'on-failure'
        settings.KillMode == 'mixed'
        settings.SuccessExitStatus == '143' // how the JVM exits after SIGTERM: entente stop must not trigger a restart
        // the hub waits up to 40 s for pg_ctl to stop its PostgreSQL
        (settings.TimeoutStopSec - 's') as int > 40
        (settings.LimitNOFILE as int) >= 65536
        !settings.containsKey('MemoryDenyWriteExecute')
    }

    /**
     * Without systemd (CI containers have none as pid 1), the unit's sandbox rebuilt by hand: a
     * private mount namespace with a read-only root (ProtectSystem=strict) where only the state
     * and cache directories stay writable, empty /tmp, /var/tmp (PrivateTmp), /root and /home
     * (ProtectHome), a /dev of pseudo devices and /dev/shm only (PrivateDevices, as systemd builds
     * it; PostgreSQL's dynamic shared memory lives there), then an unprivileged user (nobody stands
     * in for User=entente) with no capabilities, no new privileges and the unit's UMask. The
     * embedded PostgreSQL must unpack, initdb, start with its shared memory, and stop. Not rebuilt:
     * the system call filter and the kernel-facing Protect* settings (systemd-analyze checks them).
     */
    @Requires(value = { isRoot() && new File('/usr/bin/unshare').canExecute() && new File('/usr/bin/setpriv').canExecute() && !hiddenBySandbox(WORK) },
            reason = 'rebuilding the unit sandbox needs root, unshare and setpriv (util-linux), and a checkout outside '
                    + '/tmp, /var/tmp, /root and /home, which the sandbox hides (an installation in /opt never is)')
    def "the hub and its embedded PostgreSQL run under the systemd unit's sandbox, and entente stop stops them"() {
        given:
        def settings = unitSettings(home.resolve('systemd/entente.service').text)
        def scratch = Files.createDirectories(WORK.resolve('sandbox'))
        def state = Files.createDirectories(scratch.resolve('var-lib-entente'))
        def cache = Files.createDirectories(scratch.resolve('var-cache-entente'))
        [scratch, home.parent].each { run(['chmod', '755', it.toString()]) } // reachable by the service user
        [state, cache].each { run(['chown', 'nobody:', it.toString()]) }
        run(['chmod', settings.StateDirectoryMode, state.toString()])
        def sandbox = scratch.resolve('sandbox.sh')
        sandbox.text = '''set -e
            mount -t tmpfs -o mode=1777 tmpfs /tmp
            mount -t tmpfs -o mode=1777 tmpfs /var/tmp
            mount -t tmpfs -o mode=000 tmpfs /root
            mount -t tmpfs -o mode=000 tmpfs /home
            mount -t tmpfs -o mode=755 tmpfs "$DEV"
            for node in null zero full random urandom tty; do
                touch "$DEV/$node"
                mount --bind "/dev/$node" "$DEV/$node"
            done
            mkdir "$DEV/shm"
            mount --bind /dev/shm "$DEV/shm"
            ln -s /proc/self/fd "$DEV/fd"
            mount --move "$DEV" /dev
            mount --bind "$STATE" "$STATE"
            mount --bind "$ENTENTE_PG_CACHE" "$ENTENTE_PG_CACHE"
            mount -o remount,bind,ro /
            cd "$STATE"
            exec setpriv --reuid=nobody --regid=nogroup --clear-groups --no-new-privs --bounding-set=-all --inh-caps=-all \
                sh -c 'umask "$UMASK"; exec "$0" "$@"' "$@"
            '''.stripIndent()
        def env = [PATH: "${JAVA_BIN}:/usr/bin:/bin".toString(), HOME: '/nonexistent', STATE: state.toString(),
                   DEV: Files.createDirectories(scratch.resolve('dev')).toString(),
                   UMASK: settings.UMask, ENTENTE_PG_CACHE: cache.toString(),
                   ENTENTE_JAVA_OPTS: '-Dentente.testing.weak-kdf=true -XX:TieredStopAtLevel=1']
        def entente = home.resolve('bin/entente').toString()

        expect: 'the unit keeps the PostgreSQL binaries in its cache directory'
        settings.Environment == 'ENTENTE_PG_CACHE=/var/cache/entente'
        settings.CacheDirectory == 'entente'

        when:
        def started = run(['unshare', '--mount', '--propagation', 'private', '--', 'sh', sandbox.toString(),
                           entente, 'start', '--background', '--data-dir', state.toString(), '--bind', '127.0.0.1', '--port', '0'], env)

        then: 'up, as nobody, with no capabilities, on a read-only system'
        started.code == 0
        def pid = json(state).pid as long
        def proc = Path.of('/proc', String.valueOf(pid))
        proc.resolve('status').text.readLines().findAll { it ==~ /(Uid|NoNewPrivs|CapBnd):.*/ }*.split(/\s+/)*.getAt(1) ==
                ['65534', '0000000000000000', '1']
        proc.resolve('mountinfo').text.readLines().find { it.split(' ')[4] == '/' }.split(' ')[5].startsWith('ro')
        names(proc.resolve('root/dev')) == ['fd', 'full', 'null', 'random', 'shm', 'tty', 'urandom', 'zero']

        when:
        def status = run([entente, 'status', '--data-dir', state.toString()], env)
        def stopped = run([entente, 'stop', '--data-dir', state.toString()], env)

        then: 'gone; and the root CLI left no file in the data dir that the service user could not write'
        status.code == 0
        stopped.code == 0
        processesUsing(state) == []
        Files.walk(state).withCloseable { s -> s.filter { Files.getOwner(it).name != 'nobody' }.collect { it.toString() } } == []

        cleanup:
        if (state != null && Files.exists(state.resolve('hub.json'))) {
            ProcessHandle.of(json(state).pid as long).ifPresent { it.destroy() }
        }
    }

    /** Whether the unit's PrivateTmp/ProtectHome would hide {@code dir}, and with it the unpacked tarball under test. */
    static boolean hiddenBySandbox(Path dir) {
        Path real = dir.toAbsolutePath().normalize()
        ['/tmp', '/var/tmp', '/root', '/home'].any { real.startsWith(it) }
    }

    static boolean isRoot() {
        new com.sun.security.auth.module.UnixSystem().uid == 0
    }

    static Map<String, String> unitSettings(String unit) {
        unit.readLines().findAll { it ==~ /^[A-Za-z]+=.*/ }.collectEntries { it.split('=', 2) as List } as Map<String, String>
    }

    static Map<String, Object> flatten(Map map, String prefix = '') {
        map.collectEntries { k, v ->
            v instanceof Map ? flatten(v as Map, prefix + k + '.') : [(prefix + k): v]
        } as Map<String, Object>
    }

    static List<String> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return []
        }
        Files.walk(dir).withCloseable { s ->
            s.filter { Files.isRegularFile(it) }.collect { dir.relativize(it).toString() }.sort()
        }
    }

    static List<String> names(Path dir) {
        Files.list(dir).withCloseable { s -> s.collect { it.fileName.toString() }.sort() }
    }

    static Map json(Path data) {
        new JsonSlurper().parse(data.resolve('hub.json').toFile()) as Map
    }

    /** Command lines of live processes that name {@code data} (the hub, its PostgreSQL). */
    static List<String> processesUsing(Path data) {
        Files.list(Path.of('/proc')).withCloseable { s ->
            s.filter { it.fileName.toString().isNumber() }.collect { proc ->
                try {
                    new String(Files.readAllBytes(proc.resolve('cmdline'))).replace('\u0000', ' ')
                } catch (IOException ignored) {
                    '' // exited meanwhile
                }
            }.findAll { it.contains(data.toString()) }
        }
    }

    /** Runs a command with exactly {@code env} as its environment (plus HOME), output captured. */
    static Map run(List<String> command, Map<String, String> env = null) {
        def pb = new ProcessBuilder(command)
        if (env != null) {
            pb.environment().clear()
            pb.environment().put('HOME', System.getProperty('user.home'))
            pb.environment().putAll(env)
        }
        def out = Files.createTempFile(WORK, 'out', '.txt')
        def err = Files.createTempFile(WORK, 'err', '.txt')
        pb.redirectOutput(out.toFile()).redirectError(err.toFile())
        def process = pb.start()
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            throw new AssertionError("${command} did not finish in 90s:\n${out.text}\n${err.text}")
        }
        [code: process.exitValue(), out: out.text, err: err.text]
    }
}
