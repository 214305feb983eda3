package dev.entente.controlplane.hub

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.testkit.PostgresFixture
import spock.lang.Specification

import java.nio.file.Files
import java.time.Clock

/** `--db-url` runs the hub on an external PostgreSQL; settings merge flags over entente.yml over defaults. */
class HubConfigurationSpec extends Specification {

    def "a hub on --db-url keeps its identity in that database and reads entente.yml"() {
        given: 'an external, empty PostgreSQL database and a config file'
        def db = PostgresFixture.emptyDatabase()
        def dir = Files.createTempDirectory('entente-ext')
        dir.resolve('entente.yml').text = '''\
            entente:
              hub:
                name: from-yml
                port: 1
              heartbeat:
                interval: 7s
            '''.stripIndent()
        Map flags = ['entente.data-dir': dir.toString(), 'entente.hub.bind': '127.0.0.1', 'entente.hub.port': 0,
                     'entente.db.url': db.jdbcUrl(), 'entente.db.user': db.user(), 'entente.db.password': db.password()]

        when:
        def hub = HubLauncher.launch(flags, null, [:], Clock.systemUTC())
        def status = HubHttp.get(hub.url() + '/api/v1/status', TestHubs.adminToken(hub)).json

        then: 'no embedded server, yml fills what flags leave open, flags win over yml'
        hub.bean(HubIdentity).embeddedDatabase().isEmpty()
        !Files.exists(dir.resolve('pg'))
        status.database == 'external'
        status.name == 'from-yml'
        status.heartbeat_interval == '7s'
        status.stale_after == '5m'
        hub.port() != 1

        when: 'a second hub process on the same database with a fresh data dir'
        def hubId = hub.hubId()
        hub.stop()
        flags['entente.data-dir'] = Files.createTempDirectory('entente-ext2').toString()
        def again = HubLauncher.launch(flags, null, [ENTENTE_KEY_PASSPHRASE: dir.resolve('passphrase').text.trim()], Clock.systemUTC())

        then: 'it is the same hub: identity and keys live in PostgreSQL'
        again.hubId() == hubId

        cleanup:
        again?.stop()
    }

    def "an unreachable --db-url fails start-up with database_unreachable"() {
        given:
        def dir = Files.createTempDirectory('entente-nodb')
        Map flags = ['entente.data-dir': dir.toString(), 'entente.hub.bind': '127.0.0.1', 'entente.hub.port': 0,
                     'entente.db.url': 'jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2']

        when:
        HubLauncher.launch(flags, null, [:], Clock.systemUTC())

        then:
        def e = thrown(dev.entente.lifecycle.error.EntenteException)
        e.code().code() == 'database_unreachable'
        e.detail().contains('127.0.0.1:1')
    }
}
