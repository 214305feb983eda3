package dev.entente.ca.backup

import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.SerializationFeature
import dev.entente.ca.vault.KeyVault
import spock.lang.Specification

class BackupManifestSpec extends Specification {
    static final KeyVault.Header VAULT = new KeyVault.Header('argon2id', [1, 2, 3] as byte[], 65536, 3, 1, [9, 8, 7, 6] as byte[])

    def "manifest.json is written member for member as earlier versions wrote it, and reads back"() {
        given:
        def manifest = new BackupManifest(1, 'hub_12345678', 'east', '8', ['1', '2', '8'], '2026-11-28T00:00:00Z', null,
                VAULT, [new BackupManifest.Table('peers', 'tables/peers.copy', ['id', 'name'], 2, 120, 'ab' * 32)],
                [peers_seq: 4L], ['quartz_locks'])
        // the members, order and indentation of the archives already out there
        def earlier = new LinkedHashMap<String, Object>()
        earlier.format = 'entente-backup'
        earlier.format_version = 1
        earlier.hub_id = 'hub_12345678'
        earlier.hub_name = 'east'
        earlier.schema_version = '8'
        earlier.migrations = ['1', '2', '8']
        earlier.created_at = '2026-11-28T00:00:00Z'
        earlier.postgres_version = null
        earlier.key_vault = [kdf: 'argon2id', salt: 'AQID', memory_kib: 65536, iterations: 3, parallelism: 1, check_blob: 'CQgHBg==']
        earlier.tables = [[name: 'peers', entry: 'tables/peers.copy', columns: ['id', 'name'], rows: 2L, bytes: 120L, sha256: 'ab' * 32]]
        earlier.sequences = [peers_seq: 4L]
        earlier.excluded = ['quartz_locks']

        expect:
        new String(manifest.toJson()) == new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(earlier)

        when:
        def read = BackupManifest.parse(manifest.toJson())

        then:
        read.hubId() == 'hub_12345678'
        read.tables() == manifest.tables()
        read.keyVault().salt() == VAULT.salt()
        read.sequences() == [peers_seq: 4L]
    }
}
