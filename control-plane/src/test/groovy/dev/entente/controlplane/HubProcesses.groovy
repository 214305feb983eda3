package dev.entente.controlplane

import dev.entente.ca.crypto.Argon2id
import dev.entente.client.cli.Main
import groovy.json.JsonSlurper

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * Hubs as separate JVM processes started by the real CLI ({@code entente start}), for specs that
 * must kill a hub the way an operator's machine does: a process that dies leaves exactly what it
 * committed, its sockets reset, its embedded PostgreSQL orphaned for the next start to clean up.
 */
class HubProcesses {
    /**
     * Starts {@code entente start} on {@code dir} (the data dir), with extra JVM system properties
     * and environment variables; returns at once (see {@link #awaitHealthy}). Port 0 picks a free
     * one; a hub that must come back at the same URL (peers pinned it) needs a fixed one.
     */
    static Process launch(Path dir, Map<String, String> systemProperties = [:], Map<String, String> env = [:],
                          String name = null, int port = 0) {
        Files.deleteIfExists(dir.resolve('hub.json')) // rewritten by the new process once it listens
        String java = Path.of(System.getProperty('java.home'), 'bin', 'java').toString()
        List<String> command = [java, '-XX:TieredStopAtLevel=1', '-Xss512k',
                                '-D' + Argon2id.Params.WEAK_FOR_TESTS_PROPERTY + '=true']
        systemProperties.each { k, v -> command << ('-D' + k + '=' + v) }
        command += ['-cp', System.getProperty('java.class.path'), 'dev.entente.client.cli.Main',
                    'start', '--data-dir', dir.toString(), '--bind', '127.0.0.1', '--port', String.valueOf(port)]
        if (name != null) {
            command += ['--name', name]
        }
        def pb = new ProcessBuilder(command)
        pb.environment().putAll(env)
        pb.redirectErrorStream(true)
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve('hub.out').toFile()))
        pb.start()
    }

    /**
     * A loopback port free right now, for a hub that must keep its URL across restarts. Taken
     * below the kernel's ephemeral range: everything started with port 0 (embedded PostgreSQL,
     * other specs' hubs) draws from that range and could grab it between now and the start.
     */
    static int freePort() {
        def random = new Random()
        for (int i = 0; i < 100; i++) {
            int port = 20000 + random.nextInt(10000)
            try {
                new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close()
                return port
            } catch (IOException ignored) {
                // taken: try another
            }
        }
        throw new IllegalStateException('no free loopback port between 20000 and 29999')
    }

    static Map json(Path dir) {
        new JsonSlurper().parse(dir.resolve('hub.json').toFile()) as Map
    }

    /** Waits for the new process to write hub.json, then for /healthz to answer ok. */
    static Map awaitHealthy(Path dir, Process process) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90)
        while (System.nanoTime() < deadline) {
            if (!process.alive) {
                throw new AssertionError('hub in ' + dir + ' exited with ' + process.exitValue() + ':\n' + output(dir))
            }
            Path f = dir.resolve('hub.json')
            if (Files.exists(f)) {
                try {
                    def answer = HubHttp.get(json(dir).url + '/healthz')
                    if (answer.status == 200) {
                        return answer.json as Map
                    }
                } catch (IOException ignored) {
                    // not listening yet
                }
            }
            Thread.sleep(200)
        }
        throw new AssertionError('hub in ' + dir + ' did not become healthy:\n' + output(dir))
    }

    /** What the hub process printed so far (both streams). */
    static String output(Path dir) {
        Path out = dir.resolve('hub.out')
        Files.exists(out) ? out.text : ''
    }

    /** {@code entente ... --data-dir dir}, as {@link TestHubs#cli} does for in-process hubs. */
    static Map cli(Path dir, String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(((args as List) + ['--data-dir', dir.toString()]) as String[],
                [:], new PrintWriter(out), new PrintWriter(err))
        def text = out.toString().trim()
        [code: code, json: text.startsWith('{') || text.startsWith('[') ? new JsonSlurper().parseText(text) : null,
         out: text, err: err.toString()]
    }

    /** Stops {@code process} with SIGTERM (the hub stops its embedded PostgreSQL), SIGKILL if it hangs. */
    static void stop(Process process) {
        if (process == null || !process.alive) {
            return
        }
        process.destroy()
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
        }
    }
}
