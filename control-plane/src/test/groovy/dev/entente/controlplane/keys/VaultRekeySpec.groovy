package dev.entente.controlplane.keys

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import dev.entente.lifecycle.db.Tx
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.TestHubs.cli

/**
 * Issue 17, {@code entente keys rekey}: every sealed key of a running hub is re-sealed under a new
 * passphrase in one transaction. A failure half-way leaves the old passphrase working; after the
 * rekey the hub's passphrase file holds the new one, the hub restarts on it, and a backup taken
 * before still restores with the old one (and only with it).
 */
@Stepwise
class VaultRekeySpec extends Specification {
    @Shared Path work = Files.createTempDirectory('rekey-spec')
    @Shared Path dataDir = work.resolve('a')
    @Shared RunningHub a
    @Shared Path backup = work.resolve('before.backup')
    @Shared String oldPassphrase
    @Shared Path newPassphraseFile = work.resolve('new-passphrase')

    def setupSpec() {
        a = TestHubs.start(dataDir, ['entente.hub.name': 'hub-a'])
        oldPassphrase = dataDir.resolve('passphrase').text.trim()
        newPassphraseFile.text = 'the new passphrase of hub a\n'
    }

    def cleanupSpec() {
        a?.stop()
    }

    def "a backup is taken before the rekey"() {
        expect:
        cli(a, 'backup', '--out', backup.toString(), '--output', 'json').code == 0
    }

    def "a wrong current passphrase is refused and changes nothing"() {
        given:
        Path wrong = work.resolve('wrong')
        wrong.text = 'not the passphrase at all'

        when:
        def r = run(['keys', 'rekey', '--passphrase-file', wrong.toString(), '--new-passphrase-file', newPassphraseFile.toString()])

        then:
        r.code != 0
        r.problem.code == 'rekey_passphrase_rejected'
        dataDir.resolve('passphrase').text.trim() == oldPassphrase
    }

    def "a sealed blob that does not open half-way rolls the rekey back: the old passphrase still opens everything"() {
        given: 'an approval whose sealed secret was altered (re-sealed after every sealed key)'
        UUID id = UUID.randomUUID()
        a.bean(Tx).inTransaction { c ->
            def ps = c.prepareStatement("INSERT INTO approvals (id, action, requester, state, expires_at, sealed_secrets) "
                    + "VALUES (?, 'peer.accept', 'spec', 'rejected', now() + interval '1 hour', ?)")
            ps.setObject(1, id)
            ps.setBytes(2, new byte[40])
            ps.executeUpdate()
        }

        when:
        def r = run(['keys', 'rekey', '--new-passphrase-file', newPassphraseFile.toString()])

        then:
        r.code != 0
        r.problem.code == 'key_material_corrupt'
        dataDir.resolve('passphrase').text.trim() == oldPassphrase
        !Files.exists(dataDir.resolve('passphrase.next'))

        and: 'the hub still seals new keys under the old passphrase'
        cli(a, 'tls', 'rotate', '--output', 'json').code == 0

        cleanup:
        a.bean(Tx).inTransaction { c -> c.prepareStatement("DELETE FROM approvals WHERE id = '${id}'").executeUpdate() }
    }

    def "a rekey re-seals every sealed key and writes the new passphrase to the data dir's file"() {
        when: 'the current passphrase comes from the data dir, as start reads it'
        def r = run(['keys', 'rekey', '--new-passphrase-file', newPassphraseFile.toString()])

        then:
        r.code == 0
        r.json.rekeyed > 5
        r.json.blobs['sealed_keys.sealed_secret'] > 5
        r.json.passphrase == dataDir.resolve('passphrase').toString()
        dataDir.resolve('passphrase').text.trim() == 'the new passphrase of hub a'
        !Files.exists(dataDir.resolve('passphrase.next'))
        cli(a, 'audit', 'ls', '--type', 'keys.vault_rekeyed', '--output', 'json').json.size() == 1

        and: 'the running hub goes on sealing and opening keys'
        cli(a, 'tls', 'rotate', '--output', 'json').code == 0
        cli(a, 'keys', 'rotate', '--type', 'audit-hmac', '--output', 'json').code == 0
    }

    def "the hub restarts on the new passphrase; the old one no longer opens it"() {
        when:
        a.stop()
        a = TestHubs.start(dataDir, ['entente.hub.name': 'hub-a'])

        then:
        cli(a, 'audit', 'verify', '--output', 'json').json.ok

        when:
        a.stop()
        a = null
        TestHubs.start(dataDir, ['entente.hub.name': 'hub-a'], [ENTENTE_KEY_PASSPHRASE: oldPassphrase])

        then:
        def e = thrown(Exception)
        e.message.contains('passphrase')

        cleanup:
        a = a ?: TestHubs.start(dataDir, ['entente.hub.name': 'hub-a'])
    }

    def "the backup taken before restores with the old passphrase, and only with it"() {
        given:
        Path oldFile = work.resolve('old-passphrase')
        oldFile.text = oldPassphrase + '\n'

        when:
        def refused = run(['restore', '--from', backup.toString(), '--data-dir', work.resolve('r-new').toString(),
                           '--passphrase-file', newPassphraseFile.toString()], false)
        def restored = run(['restore', '--from', backup.toString(), '--data-dir', work.resolve('r-old').toString(),
                            '--passphrase-file', oldFile.toString()], false)

        then:
        refused.code != 0
        refused.problem.code == 'key_passphrase_invalid'
        restored.code == 0
        restored.json.audit.ok

        when: 'the restored hub starts on the old passphrase'
        RunningHub r = TestHubs.start(work.resolve('r-old'), ['entente.hub.name': 'hub-a'])

        then:
        HubHttp.get(r.url() + '/api/v1/status', TestHubs.adminToken(r)).status == 200

        cleanup:
        r?.stop()
    }

    private Map run(List<String> args, boolean withDataDir = true) {
        def out = new StringWriter()
        def err = new StringWriter()
        List<String> all = args + ['--output', 'json'] + (withDataDir ? ['--data-dir', dataDir.toString()] : [])
        int code = Main.run(all as String[], [:], new PrintWriter(out), new PrintWriter(err))
        def text = out.toString().trim()
        def errText = err.toString().trim()
        [code   : code, json: text.startsWith('{') ? new JsonSlurper().parseText(text) : null,
         problem: errText.startsWith('{') ? new JsonSlurper().parseText(errText) : null, err: errText]
    }
}
