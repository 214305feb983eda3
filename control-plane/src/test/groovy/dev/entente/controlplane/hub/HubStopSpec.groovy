package dev.entente.controlplane.hub

import dev.entente.controlplane.HubProcesses
import spock.lang.Specification

import java.nio.channels.FileChannel
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import java.util.concurrent.TimeUnit

import static dev.entente.controlplane.HubProcesses.awaitHealthy
import static dev.entente.controlplane.HubProcesses.cli

/**
 * {@code entente stop} and {@code entente start --background} (issue 14): the hub that owns a data
 * dir stops however it was started, the lock is free afterwards, and a process that merely holds
 * the lock file is never signalled.
 */
class HubStopSpec extends Specification {

    def "entente stop stops a hub started as a separate process; a second stop says nothing runs"() {
        given: 'a hub started by the real CLI in its own JVM'
        def dir = Files.createTempDirectory('entente-stop')
        def hub = HubProcesses.launch(dir)
        awaitHealthy(dir, hub)
        def pg = EmbeddedDatabase.staleServer(dir.resolve('pg')).get()

        when:
        def stopped = cli(dir, 'stop', '--output', 'json')

        then: 'the hub exited, its PostgreSQL with it, and the data dir is free'
        stopped.code == 0
        stopped.json.stopped == true
        stopped.json.pid == hub.pid()
        stopped.json.forced == false
        hub.waitFor(10, TimeUnit.SECONDS)
        pg.onExit().get(10, TimeUnit.SECONDS) != null
        lockIsFree(dir)

        when: 'stop again'
        def again = cli(dir, 'stop')

        then: 'nothing runs there: exit code 3 and the code scripts match on'
        again.code == 3
        again.err.contains('hub_not_running')
        again.err.contains(dir.toString())

        cleanup:
        HubProcesses.stop(hub)
    }

    def "a hub that does not exit in time is left running without --force and killed with it, its PostgreSQL too"() {
        given: 'a hub frozen with SIGSTOP: SIGTERM stays pending'
        def dir = Files.createTempDirectory('entente-stop-force')
        def hub = HubProcesses.launch(dir)
        awaitHealthy(dir, hub)
        def pg = EmbeddedDatabase.staleServer(dir.resolve('pg')).get()
        new ProcessBuilder('kill', '-STOP', String.valueOf(hub.pid())).start().waitFor()

        when:
        def timedOut = cli(dir, 'stop', '--timeout', '1s')

        then:
        timedOut.code == 5
        timedOut.err.contains('hub_stop_timed_out')
        hub.alive

        when:
        def forced = cli(dir, 'stop', '--timeout', '1s', '--force', '--output', 'json')

        then: 'killed, and the PostgreSQL it could not stop is stopped as its next start would'
        forced.code == 0
        forced.json.forced == true
        hub.waitFor(10, TimeUnit.SECONDS)
        pg.onExit().get(30, TimeUnit.SECONDS) != null
        lockIsFree(dir)

        cleanup:
        HubProcesses.stop(hub)
    }

    def "a command line is a hub's when it runs Main or the Entente jar: #command"() {
        expect:
        HubStop.isEntente(command.split(' ') as List, 'dev.entente.client.cli.Main') == hub

        where:
        command                                                                 || hub
        'java -cp a.jar:b.jar dev.entente.client.cli.Main start'               || true
        'java -Xmx1g -jar /opt/entente/control-plane/target/entente.jar start' || true
        'java -jar /opt/entente/lib/entente-0.1.0.jar start'                   || true
        // the distribution's bin/entente, as systemd's ExecStart runs it, and its --background child
        'java -cp /opt/entente/lib/* dev.entente.client.cli.Main start --data-dir /var/lib/entente' || true
        '/usr/lib/jvm/java-17/bin/java -Xmx1g -cp /opt/entente/lib/* dev.entente.client.cli.Main start' || true
        '/usr/bin/java -cp /opt/entente/lib/entente.jar:/opt/entente/lib/picocli-4.7.7.jar dev.entente.client.cli.Main start' || true
        // a hub started before the CLI had a module of its own, stopped by the upgraded CLI
        'java -cp /opt/entente/lib/* dev.entente.controlplane.cli.Main start'  || true
        '/bin/sh /opt/entente/bin/entente start --data-dir /var/lib/entente'   || false
        'java -jar /opt/other/app.jar dev.entente.client.cli.Main'             || false
        'java LockHolder.java hub.lock'                                        || false
        'sleep 600'                                                            || false
    }

    def "a process holding the lock that is not an Entente hub is refused and left running"() {
        given: 'another JVM program takes the data dir lock and writes its pid, as a hub would'
        def dir = Files.createTempDirectory('entente-stop-other')
        def source = dir.resolve('LockHolder.java')
        source.text = '''
            import java.nio.channels.FileChannel;
            import java.nio.file.*;
            public class LockHolder {
                public static void main(String[] a) throws Exception {
                    FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    ch.lock();
                    ch.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes()));
                    System.out.println("locked");
                    Thread.sleep(600_000);
                }
            }'''
        def java = Path.of(System.getProperty('java.home'), 'bin', 'java').toString()
        def holder = new ProcessBuilder(java, source.toString(), dir.resolve('hub.lock').toString()).redirectErrorStream(true).start()
        def reader = new BufferedReader(new InputStreamReader(holder.inputStream))
        assert reader.readLine() == 'locked'

        when:
        def refused = cli(dir, 'stop', '--output', 'json')

        then: 'refused with its own exit code; the process is untouched'
        refused.code == 4
        refused.err.contains('hub_process_not_entente')
        refused.err.contains(String.valueOf(holder.pid()))
        refused.err.contains('nothing was signalled')
        holder.alive

        cleanup:
        holder?.destroyForcibly()?.waitFor(10, TimeUnit.SECONDS)
    }

    def "from a data dir: entente start --background, entente status, entente stop"() {
        given:
        def dir = Files.createTempDirectory('entente-background')

        when: 'the hub starts detached'
        def started = cli(dir, 'start', '--background', '--bind', '127.0.0.1', '--port', '0')

        then: 'the command returned with the banner, and the hub logs to the data dir'
        started.code == 0
        started.out.contains('is up in the background')
        started.out.contains('tls pin      sha256:' + HubProcesses.json(dir).tls_fingerprint)
        started.out.contains('url          ' + HubProcesses.json(dir).url)
        Files.readString(dir.resolve('hub.log')).contains('is up')
        def pid = HubProcesses.json(dir).pid as long
        ProcessHandle.of(pid).get().alive

        when:
        def status = cli(dir, 'status', '--output', 'json')

        then:
        status.code == 0
        status.json.hub_id == HubProcesses.json(dir).hub_id

        when:
        def stopped = cli(dir, 'stop')

        then:
        stopped.code == 0
        stopped.out.contains("stopped hub (pid ${pid})")
        !ProcessHandle.of(pid).map { it.alive }.orElse(false)
        lockIsFree(dir)

        cleanup:
        ProcessHandle.of(HubProcesses.json(dir).pid as long).ifPresent { it.destroy() }
    }

    def "a background hub that cannot start fails the command with the log's tail"() {
        given: 'a config file with a typo: the hub refuses to start'
        def dir = Files.createTempDirectory('entente-background-fail')
        dir.resolve('entente.yml').text = 'entente:\n  hub:\n    prot: 7443\n'

        when:
        def failed = cli(dir, 'start', '--background', '--bind', '127.0.0.1', '--port', '0')

        then:
        failed.code == 1
        failed.err.contains('hub_start_failed')
        failed.err.contains('entente.hub.port')
        lockIsFree(dir)
    }

    static boolean lockIsFree(Path dir) {
        if (!Files.exists(dir.resolve('hub.lock'))) {
            return true
        }
        FileChannel.open(dir.resolve('hub.lock'), StandardOpenOption.WRITE).withCloseable { ch ->
            def lock = ch.tryLock()
            lock?.release()
            lock != null
        }
    }
}
