package dev.entente.controlplane.hub

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.HubProcesses
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.TimeUnit

import static dev.entente.controlplane.HubProcesses.awaitHealthy
import static dev.entente.controlplane.HubProcesses.json

/**
 * The hub as operators run it: a separate process started by the real CLI, stopped by signals.
 * SIGTERM stops the embedded PostgreSQL; after SIGKILL the next start finds the orphaned server,
 * stops it and comes up on the same identity; two hubs run side by side.
 */
class HubProcessSpec extends Specification {

    def "SIGTERM stops the embedded database; a start after SIGKILL cleans the orphan; two hubs run side by side"() {
        given:
        def dirA = Files.createTempDirectory('entente-a')
        def dirB = Files.createTempDirectory('entente-b')

        when: 'hub A starts from a cold data dir (how long it takes is measured by bench/run start, not here)'
        def a = launch(dirA)
        def hubA = awaitHealthy(dirA, a)

        then:
        hubA.status == 'ok'

        when: 'hub B starts next to it'
        def b = launch(dirB)
        def hubB = awaitHealthy(dirB, b)

        then:
        hubB.hub_id != hubA.hub_id
        json(dirA).url != json(dirB).url

        when: 'A is killed with SIGKILL: its PostgreSQL is orphaned'
        a.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
        def orphan = EmbeddedDatabase.staleServer(dirA.resolve('pg'))

        then:
        orphan.isPresent()

        when: 'A starts again on the same data dir'
        def a2 = launch(dirA)
        def again = awaitHealthy(dirA, a2)

        then: 'the orphan is gone, the identity is the same, B never noticed'
        !orphan.get().isAlive()
        again.hub_id == hubA.hub_id
        json(dirA).tls_fingerprint != json(dirB).tls_fingerprint
        HubHttp.get(json(dirB).url + '/healthz').json.status == 'ok'

        when: 'A gets SIGTERM'
        def pgOfA = EmbeddedDatabase.staleServer(dirA.resolve('pg')).get()
        a2.destroy()
        boolean exited = a2.waitFor(30, TimeUnit.SECONDS)

        then: 'it exits and its PostgreSQL with it'
        exited
        pgOfA.onExit().get(10, TimeUnit.SECONDS) != null
        EmbeddedDatabase.staleServer(dirA.resolve('pg')).isEmpty()

        cleanup:
        [a, a2, b].each { it?.destroy(); it?.waitFor(30, TimeUnit.SECONDS) }
    }

    def "two hubs started at once on an empty binary cache both come up (one unpacks, the other uses its copy)"() {
        given: 'a fresh cache every server user can read, as the default one under /tmp is'
        def cache = Files.createTempDirectory('entente-pg-cache')
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString('rwxr-xr-x'))
        def env = [ENTENTE_PG_CACHE: cache.resolve('pg').toString()]
        def dirs = [Files.createTempDirectory('entente-race-a'), Files.createTempDirectory('entente-race-b')]

        when:
        def processes = dirs.collect { HubProcesses.launch(it, [:], env) }
        def answers = [dirs, processes].transpose().collect { Path dir, Process p -> HubProcesses.awaitHealthy(dir, p) }

        then:
        answers*.status == ['ok', 'ok']
        Files.list(cache.resolve('pg')).filter { it.fileName.toString().startsWith('pg-') }.count() == 1
        Files.list(cache.resolve('pg')).noneMatch { it.fileName.toString().startsWith('.unpack-') }

        cleanup:
        processes?.each { HubProcesses.stop(it) }
    }

    private static Process launch(Path dir) {
        Files.deleteIfExists(dir.resolve('hub.json')) // rewritten by the new process once it listens
        String java = Path.of(System.getProperty('java.home'), 'bin', 'java').toString()
        def pb = new ProcessBuilder(java, '-cp', System.getProperty('java.class.path'), 'dev.entente.client.cli.Main',
                'start', '--data-dir', dir.toString(), '--bind', '127.0.0.1', '--port', '0')
        pb.redirectErrorStream(true)
        pb.redirectOutput(dir.resolve('hub.out').toFile())
        pb.start()
    }
}
