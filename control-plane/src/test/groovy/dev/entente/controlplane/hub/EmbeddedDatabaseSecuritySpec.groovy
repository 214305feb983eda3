package dev.entente.controlplane.hub

import dev.entente.ca.vault.SealedKeyStore
import dev.entente.federation.heartbeat.HeartbeatCoalescer
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.doctor.DoctorFixture
import dev.entente.controlplane.federation.FederationService
import dev.entente.controlplane.federation.PeerClient
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres
import org.flywaydb.core.Flyway
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.net.http.HttpRequest
import java.nio.file.Files
import java.nio.file.Path
import java.sql.DriverManager
import java.sql.SQLException
import java.time.Duration
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger

import static dev.entente.controlplane.TestHubs.adminToken
import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually
import static dev.entente.controlplane.TestHubs.link

/**
 * Issue 11, items 1, 7 and 9: the embedded PostgreSQL answers only the hub (password, no
 * superuser for the hub, an unprivileged server process when the hub is root), runs durable,
 * and a killed server comes back by itself without losing what the hub acknowledged; when it
 * cannot come back, the hub stops instead of staying half-alive.
 */
@Stepwise
class EmbeddedDatabaseSecuritySpec extends Specification {
    static final boolean ROOT = OsUser.currentUid() == 0
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '30s']
    @Shared RunningHub hub
    @Shared Path dir

    def setupSpec() {
        dir = Files.createTempDirectory('embedded-db-security')
        hub = TestHubs.start(dir, FAST + ['entente.hub.name': 'hub-a'])
    }

    def cleanupSpec() {
        hub?.stop()
    }

    static int port(Path dataDir) {
        Files.readAllLines(dataDir.resolve('pg').resolve('postmaster.pid'))[3].trim() as int
    }

    static Map runAs(String user, List<String> command, Map<String, String> env = [:]) {
        def pb = new ProcessBuilder(['runuser', '-u', user, '--'] + command).redirectErrorStream(true)
        pb.environment().remove('PGPASSWORD')
        pb.environment().putAll(env)
        def p = pb.start()
        def out = p.inputStream.text
        p.waitFor()
        [code: p.exitValue(), out: out]
    }

    @Requires({ EmbeddedDatabaseSecuritySpec.ROOT }) // acting as another user needs root
    def "another local user cannot connect to the hub's database as any role, nor read its passwords or files"() {
        given:
        int pgPort = port(dir)

        expect: 'psql as nobody, without and with a guessed password, as the superuser and as the hub role'
        [['postgres', null], ['entente', null], ['postgres', 'postgres'], ['entente', 'entente']].each { role, guess ->
            def r = runAs('nobody', ['psql', '-h', '127.0.0.1', '-p', "$pgPort".toString(), '-U', role, '-w', '-c', 'select 1', 'postgres'],
                    guess ? [PGPASSWORD: guess] : [:])
            assert r.code != 0: r.out
            assert r.out.contains('password') : r.out
        }

        and: 'the passwords and the cluster are closed to that user'
        runAs('nobody', ['cat', dir.resolve(EmbeddedDatabase.HUB_PASSWORD_FILE).toString()]).code != 0
        runAs('nobody', ['cat', dir.resolve(EmbeddedDatabase.SUPERUSER_PASSWORD_FILE).toString()]).code != 0
        runAs('nobody', ['cat', dir.resolve('passphrase').toString()]).code != 0
        runAs('nobody', ['ls', dir.resolve('pg').toString()]).code != 0
    }

    def "without the password nobody gets in over TCP, whoever they are"() {
        when:
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:${port(dir)}/postgres", user, password).close()

        then:
        def e = thrown(SQLException)
        e.SQLState in ['28P01', '08004', '28000']

        where:
        user       | password
        'postgres' | ''
        'postgres' | 'postgres'
        'entente'  | ''
        'entente'  | 'wrong'
    }

    def "the hub's role owns its tables but is no superuser: no pg_read_file, no COPY TO PROGRAM; fsync and synchronous commit are on"() {
        given:
        def c = DriverManager.getConnection(hub.bean(EmbeddedDatabase).jdbcUrl(), 'entente',
                dir.resolve(EmbeddedDatabase.HUB_PASSWORD_FILE).text.trim())

        expect:
        one(c, 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user') == false
        one(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'entente'") == 0
        one(c, 'SHOW fsync') == 'on'
        one(c, 'SHOW synchronous_commit') == 'on'
        one(c, 'SHOW full_page_writes') == 'on'
        one(c, 'SHOW listen_addresses') == '127.0.0.1'

        when:
        one(c, "SELECT pg_read_file('${dir.resolve('passphrase')}')")

        then:
        def readFile = thrown(SQLException)
        readFile.message.contains('permission denied')

        when:
        c.createStatement().execute("COPY (SELECT 1) TO PROGRAM 'id'")

        then:
        def program = thrown(SQLException)
        program.message.contains('permission denied')

        cleanup:
        c?.close()
    }

    def "started as root, the server runs as the unprivileged entente-db user; the data dir stays closed (0700)"() {
        given:
        def postmaster = EmbeddedDatabase.staleServer(dir.resolve('pg')).get()

        expect:
        postmaster.info().user().get() == (ROOT ? 'entente-db' : System.getProperty('user.name'))
        hub.bean(EmbeddedDatabase).osUser() == (ROOT ? 'entente-db' : System.getProperty('user.name'))
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)) == 'rwx------'
    }

    def "a killed postmaster under heartbeat and write load comes back by itself, and nothing acknowledged is lost"() {
        given: 'B linked to A, B sending heartbeats to A as fast as it can, an operator writing resources on A'
        RunningHub b = TestHubs.start(Files.createTempDirectory('embedded-db-b'), FAST + ['entente.hub.name': 'hub-b'])
        UUID bOnA = UUID.fromString(link(hub, b, 'hub-b'))
        b.worker().close()
        Thread.sleep(300) // a heartbeat B's worker had in flight lands before the count is taken
        hub.bean(HeartbeatCoalescer).flush()
        long before = hub.bean(FederationService).peers().find(bOnA).get().heartbeatsReceived()
        def toA = clientTo(b, hub)
        def stop = new AtomicBoolean()
        def heartbeatsOk = new AtomicInteger()
        def writesOk = new AtomicInteger()
        Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet()
        def failures = new AtomicInteger()
        def beater = Thread.start {
            while (!stop.get()) {
                try {
                    toA.post('federation/v1/heartbeat', [protocol_version: FederationService.PROTOCOL_VERSION])
                    heartbeatsOk.incrementAndGet()
                } catch (Exception ignored) {
                    failures.incrementAndGet()
                }
            }
        }
        def writer = Thread.start {
            int i = 0
            while (!stop.get()) {
                String name = "load-${i++}"
                def r = put("${hub.url()}/api/v1/resources/service/$name", adminToken(hub))
                if (r.status == 200) {
                    acknowledged.add(name)
                    writesOk.incrementAndGet()
                } else {
                    failures.incrementAndGet()
                }
            }
        }
        eventually(10) { heartbeatsOk.get() > 50 && writesOk.get() > 5 }

        when: 'the postmaster is killed with SIGKILL'
        long pid = EmbeddedDatabase.staleServer(dir.resolve('pg')).get().pid()
        new ProcessBuilder('kill', '-9', "$pid".toString()).start().waitFor()
        eventually(30) {
            def other = EmbeddedDatabase.staleServer(dir.resolve('pg'))
            other.isPresent() && other.get().pid() != pid && HubHttp.get("${hub.url()}/healthz").status == 200
        }
        int okAfterRestart = writesOk.get()
        eventually(10) { writesOk.get() > okAfterRestart + 5 }
        stop.set(true)
        beater.join()
        writer.join()
        hub.bean(HeartbeatCoalescer).flush()
        println "postmaster killed under load: ${heartbeatsOk.get()} heartbeats and ${writesOk.get()} writes acknowledged, " +
                "${failures.get()} calls failed while it was down"

        then: 'every heartbeat answered 200 is counted, every resource answered 200 is stored'
        // (a call that failed in flight may still have committed: acknowledged is a lower bound)
        long recorded = hub.bean(FederationService).peers().find(bOnA).get().heartbeatsReceived() - before
        recorded >= heartbeatsOk.get()
        recorded <= heartbeatsOk.get() + failures.get()
        Set<String> listed = cli(hub, 'resources', 'list', '--output', 'json').json*.name.findAll { it.startsWith('load-') } as Set
        listed.containsAll(acknowledged)
        acknowledged.size() > 10

        and: 'the restart is a hub event and a doctor finding that points at it'
        eventually(10) {
            cli(hub, 'events', '--source', 'hub', '--type', 'database.restarted', '--output', 'json').json.size() == 1
        }
        def dr018 = DoctorFixture.findings(hub, 'DR018')
        dr018.size() == 1
        dr018[0].diagnosis.contains('died 1 time(s)')
        hub.bean(EmbeddedDatabase).restarts().size() == 1

        cleanup:
        stop.set(true)
        b?.stop()
    }

    def "a server that cannot be started again stops the hub (non-zero for its supervisor), and the next start recovers"() {
        given: 'a hub that gives up after a second'
        Path other = Files.createTempDirectory('embedded-db-giveup')
        RunningHub doomed = TestHubs.start(other, ['entente.hub.name': 'hub-c', 'entente.database.restart-give-up': '1s'])
        Path pg = other.resolve('pg')
        long pid = EmbeddedDatabase.staleServer(pg).get().pid()

        when: 'the server dies and its directory cannot be read any more'
        Files.setPosixFilePermissions(pg, [] as Set)
        new ProcessBuilder('kill', '-9', "$pid".toString()).start().waitFor()
        eventually(30) { doomed.fatal() != null }

        then:
        doomed.awaitStop().contains('could not be started again')

        when: 'the cause is removed and the hub started again'
        Files.setPosixFilePermissions(pg, java.nio.file.attribute.PosixFilePermissions.fromString('rwx------'))
        RunningHub again = TestHubs.start(other, ['entente.hub.name': 'hub-c'])

        then:
        HubHttp.get("${again.url()}/healthz").status == 200

        cleanup:
        again?.stop()
        doomed?.stop()
    }

    def "only a test turns durability off, and doctor says so (DR019)"() {
        given:
        RunningHub fast = TestHubs.start(Files.createTempDirectory('embedded-db-fast'), ['entente.database.durable': false])
        def c = DriverManager.getConnection(fast.bean(EmbeddedDatabase).jdbcUrl(), 'entente',
                fast.bean(EmbeddedDatabase).hubPassword())

        expect:
        one(c, 'SHOW fsync') == 'off'
        DoctorFixture.findings(fast, 'DR019').size() == 1

        cleanup:
        c?.close()
        fast?.stop()
    }

    def "a data dir from the release that trusted every local connection is secured on its first start"() {
        given: 'a cluster made the old way: trust authentication, the schema created by the superuser'
        Path legacy = Files.createTempDirectory('embedded-db-legacy')
        Files.setPosixFilePermissions(legacy, java.nio.file.attribute.PosixFilePermissions.fromString('rwx------'))
        def old = EmbeddedPostgres.builder().setDataDirectory(legacy.resolve('pg')).setCleanDataDirectory(false)
                .setServerConfig('listen_addresses', '127.0.0.1').setServerConfig('unix_socket_directories', '').start()
        Flyway.configure().dataSource(old.getPostgresDatabase()).locations('classpath:db/migration').load().migrate()
        old.close()
        assert legacy.resolve('pg/pg_hba.conf').text.contains('trust')

        when:
        RunningHub converted = TestHubs.start(legacy, ['entente.hub.name': 'legacy'])
        def pgPort = port(legacy)

        then: 'the hub runs; the superuser now needs its password; the tables belong to the hub role'
        HubHttp.get("${converted.url()}/healthz").status == 200
        legacy.resolve('pg/pg_hba.conf').text.startsWith(EmbeddedDatabase.HBA_MARKER)
        !legacy.resolve('pg/pg_hba.conf').text.contains('trust')
        def e = tryConnect(pgPort, 'postgres', '')
        e instanceof SQLException
        def su = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:$pgPort/postgres", 'postgres',
                legacy.resolve(EmbeddedDatabase.SUPERUSER_PASSWORD_FILE).text.trim())
        one(su, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'entente'") == 0
        one(su, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") > 20

        cleanup:
        su?.close()
        converted?.stop()
    }

    private static Object tryConnect(int port, String user, String password) {
        try {
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:$port/postgres", user, password).close()
            return null
        } catch (SQLException e) {
            return e
        }
    }

    private static Object one(java.sql.Connection c, String sql) {
        def rs = c.createStatement().executeQuery(sql)
        rs.next()
        rs.getObject(1)
    }

    private static HubHttp.Answer put(String url, String token) {
        try {
            HubHttp.send(HttpRequest.newBuilder(URI.create(url)).header('Content-Type', 'application/json')
                    .PUT(HttpRequest.BodyPublishers.ofString('{"instance_id":"i-1"}')), token)
        } catch (Exception e) {
            new HubHttp.Answer(status: 0, text: e.message)
        }
    }

    private static PeerClient clientTo(RunningHub from, RunningHub to) {
        def peer = from.bean(FederationService).peers().findByName('hub-a').get()
        def key = from.bean(SealedKeyStore).byId(peer.clientKeyId()).get()
        new PeerClient(to.url(), Set.copyOf(peer.pinnedFingerprints()),
                Certificates.privateKey(key.algorithm(), key.secret()), Certificates.parsePem(peer.clientCertPem()).get(0),
                Duration.ofSeconds(5))
    }
}
