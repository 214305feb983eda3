package dev.entente.controlplane.backup

import dev.entente.ca.backup.Snapshot
import dev.entente.ca.vault.KeyVault
import dev.entente.ca.vault.SealedKeyStore
import dev.entente.ca.vault.VaultAuditKeyring
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.EmbeddedDatabase
import dev.entente.controlplane.hub.HubBootstrap
import dev.entente.controlplane.hub.HubSettings
import dev.entente.controlplane.hub.RunningHub
import dev.entente.lifecycle.audit.AuditEvent
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.lifecycle.db.Tx
import io.micronaut.context.ApplicationContext
import org.flywaydb.core.Flyway
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Instant

import static dev.entente.controlplane.backup.BackupRestoreSpec.manifest
import static dev.entente.controlplane.backup.BackupRestoreSpec.rewrite
import static dev.entente.controlplane.backup.BackupRestoreSpec.run

/**
 * Issue 6: "a restore into a newer schema runs forward migrations". The backup comes from a real
 * hub database that only reached V7 (identity, sealed keys, audit chain, a resource, built by the
 * same code a hub runs at first start); the restore loads it at V7, then runs V8 onwards, and
 * the restored hub starts with the same identity.
 */
@Stepwise
class RestoreOlderSchemaSpec extends Specification {
    static final String PASSPHRASE = 'passphrase of an older hub'
    @Shared Path work = Files.createTempDirectory('restore-older')
    @Shared Path backup = work.resolve('v7.backup')
    @Shared String hubId
    @Shared RunningHub restored

    def setupSpec() {
        Path old = Files.createDirectories(work.resolve('old'))
        def db = EmbeddedDatabase.start(old.resolve('pg'))
        def ds = HubBootstrap.dataSource(db.jdbcUrl(), db.hubUser(), db.hubPassword())
        try {
            Flyway.configure().dataSource(ds).locations('classpath:db/migration').target('7').load().migrate()
            def tx = new Tx(ds)
            def keys = new SealedKeyStore(tx, KeyVault.open(tx, PASSPHRASE.toCharArray()))
            def settings = ApplicationContext.builder().deduceEnvironment(false).banner(false)
                    .properties(['entente.hub.name': 'old-hub']).start().withCloseable { HubSettings.from(it, old) }
            tx.inTransaction { c -> HubBootstrap.createIdentity(c, settings, keys, null, Clock.systemUTC()) }
            hubId = tx.read { c -> def rs = c.createStatement().executeQuery('SELECT hub_id FROM hub'); rs.next(); rs.getString(1) }
            def audit = new AuditLog(VaultAuditKeyring.load(keys, tx), Clock.systemUTC())
            tx.inTransaction { c ->
                audit.append(c, AuditEvent.of('hub.created', 'system', hubId, [name: 'old-hub']))
                c.createStatement().execute("INSERT INTO exported_resources (kind, name, instance_id) VALUES ('service', 'legacy', 'i-1')")
                audit.append(c, AuditEvent.of('resource.put', 'admin', 'service/legacy', [:]))
            }
            Files.newOutputStream(backup).withCloseable { Snapshot.write(tx, it, Instant.now()) }
        } finally {
            ds.close()
            db.stop()
        }
    }

    def cleanupSpec() {
        restored?.stop()
    }

    def "the backup is at schema V7 and has no table of a later migration"() {
        when:
        def m = manifest(backup)

        then:
        m.schema_version == '7'
        m.migrations == ['1', '2', '3', '4', '5', '6', '7']
        !m.tables*.name.contains('findings')
        m.hub_id == hubId
    }

    def "a table that does not load into its schema version is refused, and the half-made data dir is removed"() {
        given:
        Path bad = work.resolve('bad-columns.backup')
        rewrite(backup, bad) { n, bytes ->
            if (n != 'manifest.json') {
                return bytes
            }
            def m = new groovy.json.JsonSlurper().parse(bytes)
            m.tables.find { it.name == 'exported_resources' }.columns[0] = 'colour'
            groovy.json.JsonOutput.toJson(m).getBytes('UTF-8')
        }
        Path target = work.resolve('never')

        when:
        def r = run(['restore', '--from', bad.toString(), '--data-dir', target.toString(), '--output', 'json'],
                [ENTENTE_KEY_PASSPHRASE: PASSPHRASE])

        then:
        r.code == 1
        r.problem.code == 'backup_corrupt'
        r.problem.detail.contains('exported_resources')
        !Files.exists(target)
    }

    def "entente restore loads it at V7, then runs this binary's newer migrations"() {
        when:
        def r = run(['restore', '--from', backup.toString(), '--data-dir', work.resolve('new').toString()],
                [ENTENTE_KEY_PASSPHRASE: PASSPHRASE])

        then:
        r.code == 0
        r.err == ''
        def out = r.out as String
        out.contains("Restored ${hubId} (old-hub)")
        out.contains('(schema V7)')
        out.contains('newer migration(s) applied after loading')
        out.contains('audit chain     ok, 2 events')
        out.contains('from ENTENTE_KEY_PASSPHRASE')
        !Files.exists(work.resolve('new').resolve('passphrase'))
    }

    def "the restored hub starts on the current schema with the old identity, data and audit chain"() {
        when:
        restored = TestHubs.start(work.resolve('new'), [:], [ENTENTE_KEY_PASSPHRASE: PASSPHRASE])
        def cli = { String... args -> run((args as List) + ['--data-dir', work.resolve('new').toString(), '--output', 'json'], [:]) }

        then:
        restored.hubId() == hubId
        cli('resources', 'list').json*.name == ['legacy']
        cli('findings', 'list').code == 0
        cli('audit', 'verify').json.ok == true
        cli('events', '--source', 'hub', '--type', 'hub.restored').json[0].details.backup_schema_version == '7'
        def doctor = cli('doctor').json
        doctor.findings instanceof List
        doctor.findings.every { it.code != 'DR002' }
    }
}
