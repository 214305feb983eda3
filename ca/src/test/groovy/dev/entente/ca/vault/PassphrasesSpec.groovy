package dev.entente.ca.vault

import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions

class PassphrasesSpec extends Specification {
    @TempDir Path tmp

    def "ENTENTE_KEY_PASSPHRASE wins over the file"() {
        given:
        Path dataDir = tmp.resolve('data')

        expect:
        Passphrases.resolve(dataDir, [ENTENTE_KEY_PASSPHRASE: 's3cret']) == 's3cret'.toCharArray()

        and: 'no file was generated'
        !Files.exists(dataDir.resolve('passphrase'))
    }

    def "an empty ENTENTE_KEY_PASSPHRASE falls back to the file"() {
        expect:
        Passphrases.resolve(tmp, [ENTENTE_KEY_PASSPHRASE: '']).length == 43
        Files.exists(tmp.resolve('passphrase'))
    }

    def "without the variable a passphrase file is generated with mode 0600 and reused"() {
        given:
        Path dataDir = tmp.resolve('fresh/data')

        when:
        char[] first = Passphrases.resolve(dataDir, [:])
        Path file = dataDir.resolve('passphrase')

        then: '32 random bytes, base64url without padding'
        first.length == 43
        new String(first) ==~ /[A-Za-z0-9_-]{43}/
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file)) == 'rw-------'
        PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)) == 'rwx------'

        and: 'no temporary file is left behind'
        Files.list(dataDir).withCloseable { it.toList() } == [file]

        when:
        char[] second = Passphrases.resolve(dataDir, [:])

        then:
        second == first
    }

    def "a passphrase file written by an operator is read without its trailing newline"() {
        given:
        Files.writeString(tmp.resolve('passphrase'), 'operator chosen\n')

        expect:
        Passphrases.resolve(tmp, [:]) == 'operator chosen'.toCharArray()
    }

    def "a data dir that cannot be a directory is reported as unusable"() {
        given: 'a path whose parent is a regular file (root ignores permission bits, so no chmod trick)'
        Path notADir = Files.writeString(tmp.resolve('plain-file'), 'x')

        when:
        Passphrases.resolve(notADir.resolve('data'), [:])

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.DATA_DIR_UNUSABLE
        e.detail().contains('ENTENTE_KEY_PASSPHRASE')
    }

    def "an empty passphrase file is refused, not used as an empty passphrase"() {
        given:
        Files.createFile(tmp.resolve('passphrase'))

        when:
        Passphrases.resolve(tmp, [:])

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.DATA_DIR_UNUSABLE
    }
}
