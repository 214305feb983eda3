package dev.entente.ca.vault

import com.zaxxer.hikari.HikariDataSource
import dev.entente.ca.crypto.Argon2id
import dev.entente.lifecycle.db.Tx
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import dev.entente.testkit.PostgresFixture
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions

/**
 * Issue 17: the data dir's passphrase file across a rekey. The new passphrase is staged in
 * {@code passphrase.next} (mode 0600) before the rekey commits and moved over {@code passphrase}
 * after; a hub stopped in between opens its vault with the staged one at the next start.
 */
class PassphraseFileSpec extends Specification {
    static final Argon2id.Params FAST = new Argon2id.Params(1024, 1, 1)
    static final KeyVault.Witness NOTHING = { c, r -> }

    @TempDir Path dataDir
    HikariDataSource ds = PostgresFixture.migratedDatabase().dataSource()
    Tx tx = new Tx(ds)

    def cleanup() {
        ds?.close()
    }

    def "a rekey interrupted after its commit is finished at the next open"() {
        given: 'a hub on its generated passphrase file'
        char[] old = Passphrases.resolve(dataDir, [:])
        PassphraseFile file = new PassphraseFile(dataDir)
        KeyVault vault = file.open(tx, old)

        when: 'the rekey stages the new passphrase and commits, then the process dies before the move'
        file.stage('the passphrase after the rekey'.toCharArray())
        vault.rekey(tx, old, 'the passphrase after the rekey'.toCharArray(), FAST, [SealedKeyStore.SEALED_SECRETS,
                new SealedColumn('approvals', 'id', 'sealed_secrets', "'approval/' || id || '/arguments'"),
                new SealedColumn('approvals', 'id', 'sealed_result', "'approval/' || id || '/result'"),
                new SealedColumn('oidc_sign_ins', 'state_digest', 'sealed_verifier',
                        "'oidc_sign_in/' || encode(state_digest, 'hex') || '/verifier'")], NOTHING)

        then: 'the staged file is private'
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve('passphrase.next'))) == 'rw-------'

        when: 'the next start reads the old file'
        KeyVault reopened = file.open(tx, Passphrases.resolve(dataDir, [:]))

        then: 'it opens with the staged passphrase and moves it into place'
        reopened != null
        dataDir.resolve('passphrase').text == 'the passphrase after the rekey'
        !Files.exists(dataDir.resolve('passphrase.next'))
    }

    def "a staged passphrase that does not open the vault is not taken: the refusal stands"() {
        given:
        char[] old = Passphrases.resolve(dataDir, [:])
        PassphraseFile file = new PassphraseFile(dataDir)
        file.open(tx, old)
        file.stage('a rekey that never committed'.toCharArray())

        when:
        file.open(tx, 'not the passphrase'.toCharArray())

        then:
        def e = thrown(EntenteException)
        e.code() == ErrorCode.KEY_PASSPHRASE_INVALID
        dataDir.resolve('passphrase').text.trim() == new String(old)
    }
}
