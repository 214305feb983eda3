package dev.entente.controlplane.backup

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.backup.BackupRestoreSpec.run

/**
 * A backup is a promise across releases: this archive was taken by `entente backup` from a real
 * hub (fixture-a, linked with fixture-b, with a resource, an active and a revoked grant and a
 * viewer token) built from the code before the entity tables moved to Micronaut Data JDBC.
 * Whatever the data layer becomes, the archive restores and every row reads back through it.
 */
@Stepwise
class RestoreStoredBackupSpec extends Specification {
    static final String HUB_ID = 'hub_19fa2b72'
    @Shared Path work = Files.createTempDirectory('restore-stored')
    @Shared Path target = work.resolve('restored')
    @Shared RunningHub restored

    def cleanupSpec() {
        restored?.stop()
    }

    Map cli(String... args) {
        run((args as List) + ['--data-dir', target.toString(), '--output', 'json'], [:])
    }

    def "entente restore loads the stored V14 archive with the passphrase it was taken under"() {
        given:
        Path archive = copy('v14-before-data-jdbc.backup')
        Path passphrase = copy('v14-before-data-jdbc.passphrase')

        when:
        def r = run(['restore', '--from', archive.toString(), '--data-dir', target.toString(),
                     '--passphrase-file', passphrase.toString()], [:])

        then:
        r.code == 0
        (r.out as String).contains("Restored ${HUB_ID} (fixture-a)")
        (r.out as String).contains('(schema V14)')
    }

    def "the restored hub reads every entity of the archive back"() {
        when:
        restored = TestHubs.start(target, ['entente.hub.name': 'fixture-a'])

        then:
        restored.hubId() == HUB_ID
        def peers = cli('peers', 'list').json
        peers*.name == ['fixture-b']
        peers[0].state in ['active', 'degraded']
        cli('resources', 'list').json*.name == ['web-1']
        def grants = cli('grants', 'list').json
        grants*.state.sort() == ['active', 'revoked']
        grants.every { it.peer_id == peers[0].id }
        cli('audit', 'verify').json.ok == true
        cli('ca', 'status').code == 0
    }

    private Path copy(String name) {
        Path to = work.resolve(name)
        getClass().getResourceAsStream("/backups/${name}").withCloseable { Files.copy(it, to) }
        to
    }
}
