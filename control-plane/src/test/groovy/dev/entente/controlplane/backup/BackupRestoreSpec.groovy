package dev.entente.controlplane.backup

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import java.util.zip.ZipEntry
import java.util.zip.ZipFile
import java.util.zip.ZipOutputStream

import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 6, backup and restore: hub A, linked with hub B and holding a grant for B, is backed up
 * while it keeps writing; the backup is restored into a new data dir and started on A's address;
 * the restored hub has A's identity, TLS key, peers, grants and CA keys (B's grant still works
 * against it over mTLS), and its audit chain verifies. Every way a restore can be wrong is
 * refused before anything is created.
 */
@Stepwise
class BackupRestoreSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s']
    @Shared Path work = Files.createTempDirectory('backup-spec')
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared RunningHub restored
    @Shared String bOnA
    @Shared String grant
    @Shared Path backup
    @Shared Map before = [:]
    @Shared int written

    def setupSpec() {
        a = TestHubs.start(work.resolve('a'), FAST + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(work.resolve('b'), FAST + ['entente.hub.name': 'hub-b'])
        def p = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json').json
        assert cli(b, 'peers', 'accept', '--token', p.acceptance_token, '--output', 'json').code == 0
        bOnA = p.peer.id
        eventually(20) { cli(a, 'peers', 'show', bOnA, '--output', 'json').json.state == 'active' }
        cli(a, 'resources', 'put', 'service/web-1', '--instance', 'i-1', '--network', 'n-1', '--attr', 'port=443')
        grant = cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--instances', 'i-1', '--output', 'json').json.bearer_token
    }

    def cleanupSpec() {
        [restored, b, a].each { it?.stop() }
    }

    def "a backup needs the admin role"() {
        given:
        def viewer = cli(a, 'operators', 'token', 'issue', '--for', 'vera', '--role', 'viewer', '--output', 'json').json.token

        when:
        def r = HubHttp.post(a.url() + '/api/v1/backup', '{}', viewer)

        then:
        r.status == 403
        r.json.code == 'auth_role_forbidden'
    }

    def "entente backup takes one consistent snapshot while the hub keeps writing"() {
        given: 'a writer that keeps adding resources (each with its audit event) in order'
        AtomicBoolean stop = new AtomicBoolean()
        AtomicInteger done = new AtomicInteger()
        def writer = Thread.start {
            while (!stop.get()) {
                def r = HubHttp.send(java.net.http.HttpRequest.newBuilder(URI.create(a.url() + "/api/v1/resources/load/r-${done.get()}"))
                        .header('Content-Type', 'application/json')
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString('{"instance_id":"i-9"}')), TestHubs.adminToken(a))
                assert r.status == 200
                done.incrementAndGet()
            }
        }
        eventually(20) { done.get() >= 5 }
        backup = work.resolve('a.backup')

        when:
        def r = cli(a, 'backup', '--out', backup.toString(), '--output', 'json')
        int atEnd = done.get()
        eventually(20) { done.get() >= atEnd + 5 }
        stop.set(true)
        writer.join()
        written = done.get()

        then:
        r.code == 0
        r.json.hub_id == a.hubId()
        r.json.file == backup.toString()
        r.json.sha256 == sha256(backup)
        Files.getPosixFilePermissions(backup) == PosixFilePermissions.fromString('rw-------')
        !Files.list(work).anyMatch { it.fileName.toString().endsWith('.tmp') }
        !Files.list(a.settings().dataDir()).anyMatch { it.fileName.toString().startsWith('.backup-') }

        and: 'the snapshot holds a prefix of the writes: all of r-0..r-(n-1) and nothing after'
        def manifest = manifest(backup)
        def names = column(backup, 'exported_resources', 'name').findAll { it.startsWith('r-') }
        names.size() >= 5
        names.size() < written
        names as Set == (0..<names.size()).collect { "r-$it" } as Set

        and: 'the audit chain head is the last event of the snapshot'
        column(backup, 'audit_head', 'seq') == [manifest.tables.find { it.name == 'audit_events' }.rows as String]

        and: 'keys travel sealed; the passphrase and Quartz runtime state do not travel at all'
        manifest.tables*.name.containsAll(['hub', 'key_vault', 'sealed_keys', 'peers', 'grants', 'certificate_authorities',
                                           'audit_events', 'operator_tokens', 'exported_resources'])
        manifest.excluded.contains('flyway_schema_history')
        manifest.excluded.every { it == 'flyway_schema_history' || it.startsWith('qrtz_') }
        String passphrase = a.settings().dataDir().resolve('passphrase').text.trim()
        allEntries(backup).every { !it.value.contains(passphrase) }

        and: 'the backup is in the audit log'
        cli(a, 'audit', 'ls', '--type', 'hub.backup_taken', '--output', 'json').json.size() == 1
    }

    def "the original hub is recorded, then stopped: a restored hub must not run next to it"() {
        when:
        before.hubId = a.hubId()
        before.port = a.port()
        before.tls = cli(a, 'tls', 'info', '--output', 'json').json
        before.ca = cli(a, 'ca', 'status', '--output', 'json').json
        before.peers = cli(a, 'peers', 'list', '--output', 'json').json.collect { [it.id, it.name, it.hub_id] }
        before.grants = cli(a, 'grants', 'list', '--output', 'json').json.collect { [it.id, it.peer_id, it.state, it.instance_ids] }
        before.passphraseFile = a.settings().dataDir().resolve('passphrase')
        a.stop()

        then:
        before.peers.size() == 1
        before.grants.size() == 1
    }

    def "restore without a passphrase is refused with restore_passphrase_missing"() {
        when:
        def r = run(['restore', '--from', backup.toString(), '--data-dir', work.resolve('r0').toString()], [:])

        then:
        r.code == 1
        r.problem.code == 'restore_passphrase_missing'
        !Files.exists(work.resolve('r0'))
    }

    def "a wrong passphrase is refused before anything is created"() {
        when:
        def r = run(['restore', '--from', backup.toString(), '--data-dir', work.resolve('r1').toString()],
                [ENTENTE_KEY_PASSPHRASE: 'not-the-passphrase'])

        then:
        r.code == 1
        r.problem.code == 'key_passphrase_invalid'
        r.problem.detail.contains('nothing was created')
        !Files.exists(work.resolve('r1'))
    }

    def "a non-empty target is refused and left alone"() {
        given:
        Path target = Files.createDirectories(work.resolve('r2'))
        Files.writeString(target.resolve('notes.txt'), 'keep me')

        when:
        def r = restore(target)

        then:
        r.code == 1
        r.problem.code == 'restore_target_not_empty'
        Files.list(target).toList()*.fileName*.toString() == ['notes.txt']
        target.resolve('notes.txt').text == 'keep me'
    }

    def "a damaged backup is refused with backup_corrupt: #what"() {
        given:
        Path bad = work.resolve("bad-${what.replace(' ', '-')}.backup")
        damage(backup, bad)
        Path target = work.resolve("r-${what.replace(' ', '-')}")

        when:
        def r = restore(target, bad)

        then:
        r.code == 1
        r.problem.code == 'backup_corrupt'
        r.problem.detail.contains(detail)
        !Files.exists(target)

        where:
        what               | detail                 | damage
        'truncated'        | 'not a zip archive'    | { Path from, Path to -> Files.write(to, Arrays.copyOf(from.bytes, (int) (from.size() / 2))) }
        'altered row'      | 'peers'                | { Path from, Path to -> rewrite(from, to) { n, bytes -> n == 'tables/peers.copy' ? new String(bytes, 'UTF-8').replace('hub-b', 'hub-x').getBytes('UTF-8') : bytes } }
        'dropped table'    | 'grants'               | { Path from, Path to -> rewrite(from, to) { n, bytes -> n == 'tables/grants.copy' ? null : bytes } }
        'not a backup'     | 'manifest.json'        | { Path from, Path to -> rewrite(from, to) { n, bytes -> n == 'manifest.json' ? null : bytes } }
    }

    def "a backup from a newer entente is refused with backup_schema_too_new, leaving nothing behind"() {
        given:
        Path newer = work.resolve('newer.backup')
        rewrite(backup, newer) { n, bytes ->
            if (n != 'manifest.json') {
                return bytes
            }
            def m = new JsonSlurper().parse(bytes)
            m.migrations << '999'
            m.schema_version = '999'
            groovy.json.JsonOutput.toJson(m).getBytes('UTF-8')
        }
        Path target = work.resolve('r-newer')

        when:
        def r = restore(target, newer)

        then:
        r.code == 1
        r.problem.code == 'backup_schema_too_new'
        r.problem.detail.contains('V999')
        !Files.exists(target)
    }

    def "entente restore brings the hub back into a new data dir"() {
        when:
        Path target = work.resolve('restored')
        def r = restore(target)

        then:
        r.code == 0
        r.json.hub_id == before.hubId
        r.json.hub_name == 'hub-a'
        r.json.audit.ok == true
        r.json.migrations_applied == 0
        r.json.passphrase_file_written == true
        target.resolve('passphrase').text.trim() == before.passphraseFile.text.trim()
        Files.getPosixFilePermissions(target.resolve('passphrase')) == PosixFilePermissions.fromString('rw-------')
        !Files.exists(target.resolve('admin.token'))
    }

    def "started on A's address, the restored hub is A: identity, TLS key, CA keys, peers, grants, audit chain"() {
        when:
        restored = TestHubs.start(work.resolve('restored'), FAST + ['entente.hub.port': before.port])

        then:
        restored.hubId() == before.hubId
        cli(restored, 'tls', 'info', '--output', 'json').json.fingerprint == before.tls.fingerprint
        cli(restored, 'ca', 'status', '--output', 'json').json == before.ca
        cli(restored, 'peers', 'list', '--output', 'json').json.collect { [it.id, it.name, it.hub_id] } == before.peers
        cli(restored, 'grants', 'list', '--output', 'json').json.collect { [it.id, it.peer_id, it.state, it.instance_ids] } == before.grants

        and: 'a fresh admin token was written for the new data dir, and the audit chain verifies'
        Files.exists(work.resolve('restored').resolve('admin.token'))
        def verify = cli(restored, 'audit', 'verify', '--output', 'json')
        verify.code == 0
        verify.json.ok == true
        cli(restored, 'events', '--source', 'hub', '--type', 'hub.restored', '--output', 'json').json.size() == 1

        and: 'the rows of the snapshot, and only those, are there'
        cli(restored, 'resources', 'list', '--output', 'json').json.findAll { it.name.startsWith('r-') }.size() ==
                column(backup, 'exported_resources', 'name').count { it.startsWith('r-') }
    }

    def "B's grant still works against the restored hub over mTLS, and heartbeats resume both ways"() {
        when:
        def r = cli(b, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', grant, '--instance', 'i-1', '--output', 'json')

        then:
        r.code == 0
        r.json*.name == ['web-1']
        eventually(20) { cli(restored, 'peers', 'show', bOnA, '--output', 'json').json.state == 'active' }
    }

    // --- helpers ---

    private Map restore(Path target, Path from = backup) {
        run(['restore', '--from', from.toString(), '--data-dir', target.toString(), '--passphrase-file',
             before.passphraseFile.toString(), '--output', 'json'], [:])
    }

    private static Map cli(RunningHub hub, String... args) {
        run((args as List) + ['--data-dir', hub.settings().dataDir().toString()], [:])
    }

    static Map run(List<String> args, Map<String, String> env) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(args as String[], env, new PrintWriter(out), new PrintWriter(err))
        def text = out.toString().trim()
        def errText = err.toString().trim()
        if (args.contains('--output') && !errText.startsWith('{') && code != 0) {
            throw new AssertionError("no problem JSON: " + errText)
        }
        [code   : code, json: text.startsWith('{') || text.startsWith('[') ? new JsonSlurper().parseText(text) : null,
         problem: errText.startsWith('{') ? new JsonSlurper().parseText(errText) : (errText.startsWith('error:') ? [code: errText.split(':')[1].trim(), detail: errText] : null),
         err    : errText, out: text]
    }

    static Map manifest(Path file) {
        new JsonSlurper().parse(allEntries(file)['manifest.json'].getBytes('UTF-8')) as Map
    }

    /** One column of a table entry (COPY text format: tab-separated, one row per line). */
    static List<String> column(Path file, String table, String name) {
        int i = manifest(file).tables.find { it.name == table }.columns.indexOf(name)
        assert i >= 0
        allEntries(file)["tables/${table}.copy".toString()].readLines().collect { it.split('\t', -1)[i] }
    }

    static Map<String, String> allEntries(Path file) {
        def zip = new ZipFile(file.toFile())
        try {
            zip.entries().toList().collectEntries { ZipEntry e -> [(e.name): new String(zip.getInputStream(e).bytes, 'UTF-8')] }
        } finally {
            zip.close()
        }
    }

    /** Copies the archive entry by entry through {@code change} (null drops the entry). */
    static void rewrite(Path from, Path to, Closure<byte[]> change) {
        def zip = new ZipFile(from.toFile())
        try {
            new ZipOutputStream(Files.newOutputStream(to)).withCloseable { out ->
                zip.entries().toList().each { ZipEntry e ->
                    byte[] bytes = change(e.name, zip.getInputStream(e).bytes)
                    if (bytes != null) {
                        out.putNextEntry(new ZipEntry(e.name))
                        out.write(bytes)
                        out.closeEntry()
                    }
                }
            }
        } finally {
            zip.close()
        }
    }

    static String sha256(Path file) {
        java.security.MessageDigest.getInstance('SHA-256').digest(file.bytes).encodeHex().toString()
    }
}
