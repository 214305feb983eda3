package dev.entente.controlplane

import dev.entente.controlplane.hub.HubLauncher
import dev.entente.controlplane.hub.RunningHub

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
        hub.runtime().settings().dataDir().resolve('admin.token').text.trim()
    }
}
