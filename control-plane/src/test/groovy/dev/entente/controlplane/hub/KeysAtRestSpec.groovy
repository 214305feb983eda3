package dev.entente.controlplane.hub

import dev.entente.ca.vault.SealedKeyStore
import dev.entente.controlplane.tls.TlsState
import dev.entente.lifecycle.db.Tx
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import groovy.sql.Sql
import spock.lang.Specification

import java.nio.file.Files

/** The hub's private keys never reach the database in the clear, and a wrong passphrase stops start-up cleanly. */
class KeysAtRestSpec extends Specification {

    def "no TLS, JWT or audit key is stored as plaintext, and a wrong passphrase fails start-up with a clear error"() {
        given:
        def dir = Files.createTempDirectory('entente-keys')
        def env = [ENTENTE_KEY_PASSPHRASE: 'correct horse battery staple']
        def hub = TestHubs.start(dir, [:], env)
        def secrets = ['tls', 'jwt', 'audit_hmac'].collect { hub.bean(SealedKeyStore).active(it).get().secret() }
        def sql = Sql.newInstance(hub.bean(Tx).dataSource())
        def stored = sql.rows('SELECT sealed_secret, public_key, certificate FROM sealed_keys')
        sql.close()
        def fingerprint = hub.bean(TlsState).current().fingerprint()
        hub.stop()

        expect: 'the sealed column never contains a plaintext key'
        stored.size() >= 3
        secrets.every { byte[] secret ->
            stored.every { row -> indexOf(row.sealed_secret as byte[], secret) < 0 && indexOf(row.public_key as byte[], secret) < 0 }
        }
        and: 'nor a PKCS#8 Ed25519 prefix'
        stored.every { indexOf(it.sealed_secret as byte[], [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70] as byte[]) < 0 }

        when: 'the same data dir starts with another passphrase'
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(['start', '--data-dir', dir.toString(), '--port', '0', '--bind', '127.0.0.1'] as String[],
                [ENTENTE_KEY_PASSPHRASE: 'wrong'], new PrintWriter(out), new PrintWriter(err))

        then:
        code == 1
        err.toString().startsWith('error: key_passphrase_invalid: ')
        err.toString().contains('ENTENTE_KEY_PASSPHRASE')
        err.toString().contains('runbook: runbooks/startup-and-network.md#key_passphrase_invalid')
        !err.toString().contains('Exception')
        !err.toString().contains('\tat ')

        and: 'the failed start left no PostgreSQL running and the data dir unlocked'
        EmbeddedDatabase.staleServer(dir.resolve('pg')).isEmpty()

        when: 'the right passphrase starts it again, same identity'
        def again = TestHubs.start(dir, [:], env)

        then:
        again.hubId() == hub.hubId()
        again.bean(TlsState).current().fingerprint() == fingerprint

        cleanup:
        again?.stop()
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        if (hay == null) {
            return -1
        }
        for (int i = 0; i <= hay.length - needle.length; i++) {
            if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
                return i
            }
        }
        return -1
    }
}
