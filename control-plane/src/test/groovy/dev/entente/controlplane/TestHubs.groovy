package dev.entente.controlplane

import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.HubLauncher
import dev.entente.controlplane.hub.RunningHub

import groovy.json.JsonSlurper

import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock

/** Starts real hubs (embedded PostgreSQL, HTTPS on a free loopback port) for specs. */
class TestHubs {
    static RunningHub start(Path dataDir = Files.createTempDirectory('entente-hub'), Map<String, Object> extra = [:],
                            Map<String, String> env = [:]) {
        Map<String, Object> flags = ['entente.data-dir': dataDir.toString(), 'entente.hub.bind': '127.0.0.1',
                                     'entente.hub.port': 0, 'entente.hub.name': 'spec-hub'] + extra
        HubLauncher.launch(flags, null, env, Clock.systemUTC())
    }

    static String adminToken(RunningHub hub) {
        hub.settings().dataDir().resolve('admin.token').text.trim()
    }

    /**
     * Runs {@code entente ...} against the hub's data dir, as an operator on its machine would:
     * exit code, stdout (parsed when it is JSON) and stderr.
     */
    static Map cli(RunningHub hub, String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(((args as List) + ['--data-dir', hub.settings().dataDir().toString()]) as String[],
                [:], new PrintWriter(out), new PrintWriter(err))
        def text = out.toString().trim()
        [code: code, json: text.startsWith('{') || text.startsWith('[') ? new JsonSlurper().parseText(text) : null,
         out: text, err: err.toString()]
    }

    /**
     * {@code entente ... --output json} against the hub's data dir as the operator holding
     * {@code token} (null: the hub's admin.token): exit code, stdout (parsed when it is JSON) and
     * the problem JSON on stderr.
     */
    static Map cliAs(RunningHub hub, String token, String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        Map env = token == null ? [:] : [ENTENTE_TOKEN: token]
        int code = Main.run(((args as List) + ['--output', 'json', '--data-dir', hub.settings().dataDir().toString()]) as String[],
                env, new PrintWriter(out), new PrintWriter(err))
        def text = out.toString().trim()
        def errText = err.toString().trim()
        [code   : code, out: text, json: text.startsWith('{') || text.startsWith('[') ? new JsonSlurper().parseText(text) : null,
         problem: errText.startsWith('{') ? new JsonSlurper().parseText(errText) : null, err: errText]
    }

    /**
     * Links two running hubs the way operators do ({@code peers propose} on one, {@code peers accept}
     * on the other) and waits until the proposer sees the accepter active; returns the peer's id
     * on the proposer.
     */
    static String link(RunningHub proposer, RunningHub accepter, String name) {
        def p = cli(proposer, 'peers', 'propose', '--name', name, '--output', 'json').json
        def r = cli(accepter, 'peers', 'accept', '--token', p.acceptance_token, '--output', 'json')
        assert r.code == 0: r.err
        eventually(20) {
            HubHttp.get(proposer.url() + '/api/v1/peers/' + p.peer.id, adminToken(proposer)).json.state == 'active'
        }
        p.peer.id
    }

    /** Polls {@code condition} every 200 ms for up to {@code seconds}; the last try's assertion error surfaces. */
    static boolean eventually(int seconds, Closure<Boolean> condition) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L
        while (System.nanoTime() < deadline) {
            try {
                if (condition()) {
                    return true
                }
            } catch (AssertionError | Exception ignored) {
                // not yet
            }
            Thread.sleep(200)
        }
        assert condition()
        true
    }
}
