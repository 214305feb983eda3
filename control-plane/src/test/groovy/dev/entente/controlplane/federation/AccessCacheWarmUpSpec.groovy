package dev.entente.controlplane.federation

import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.access.FederationAccessCache
import dev.entente.testkit.PostgresFixture
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.time.Clock

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually
import static dev.entente.controlplane.TestHubs.link

/**
 * Issue 15: a hub process fills its access cache with every linked peer's current certificate
 * as soon as its invalidation listener connects, so that after a restart a returning peer's first
 * heartbeat reads nothing. Hub A runs as two replicas on one PostgreSQL; B and C are linked through
 * A1. A2 is the restarted process: it is stopped, C is revoked through A1 meanwhile, and a new A2
 * starts on the same database. What it warms must be exactly what a request would have cached.
 */
@Stepwise
class AccessCacheWarmUpSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s']

    @Shared PostgresFixture.TestDatabase db
    @Shared Map shared
    @Shared Map env = [ENTENTE_KEY_PASSPHRASE: 'warm-up spec']
    @Shared RunningHub a1
    @Shared RunningHub a2
    @Shared RunningHub b
    @Shared RunningHub c

    def setupSpec() {
        db = PostgresFixture.emptyDatabase()
        shared = FAST + ['entente.hub.name': 'hub-a', 'entente.db.url': db.jdbcUrl(), 'entente.db.user': db.user(),
                         'entente.db.password': db.password()]
        a1 = TestHubs.start(Files.createTempDirectory('warm-a1'), shared, env)
        b = TestHubs.start(Files.createTempDirectory('warm-b'), FAST + ['entente.hub.name': 'hub-b'])
        c = TestHubs.start(Files.createTempDirectory('warm-c'), FAST + ['entente.hub.name': 'hub-c'])
        link(a1, b, 'hub-b')
        link(a1, c, 'hub-c')
    }

    def cleanupSpec() {
        [c, b, a2, a1].each { it?.stop() }
    }

    def "a replica started after C was revoked holds B's certificate before B called it, and not C's"() {
        when: 'C is revoked while no second replica runs, then A2 starts'
        assert cli(a1, 'peers', 'revoke', 'hub-c', '--reason', 'revoked while A2 was down').code == 0
        a2 = TestHubs.start(Files.createTempDirectory('warm-a2'), shared, env)

        then: 'A2 warmed B (nobody called A2 yet) but not C'
        eventually(10) { cached(a2, b) }
        !cached(a2, c)
    }

    def "a warmed entry is dropped by a change committed on another replica"() {
        when:
        assert cli(a1, 'peers', 'suspend', 'hub-b', '--reason', 'warm-up drill').code == 0

        then: 'A2 drops the entry it warmed, on the notice'
        eventually(10) { !cached(a2, b) }
    }

    def "a warmed entry is dropped at once by a change committed on the same replica"() {
        given: 'B resumed, and a third replica that warms it again'
        assert cli(a1, 'peers', 'resume', 'hub-b').code == 0
        def a3 = TestHubs.start(Files.createTempDirectory('warm-a3'), shared, env)
        eventually(10) { cached(a3, b) }

        when:
        assert cli(a3, 'peers', 'suspend', 'hub-b', '--reason', 'local drill').code == 0

        then: 'no waiting: the commit dropped it'
        !cached(a3, b)

        cleanup:
        a3?.stop()
    }

    /** Whether {@code hub} holds {@code peer}'s client certificate for it in its access cache. */
    private static boolean cached(RunningHub hub, RunningHub peer) {
        def peerA = peer.bean(FederationService).peers().findByName('hub-a').get()
        def leaf = Certificates.parsePem(peerA.clientCertPem()).get(0)
        hub.bean(FederationAccessCache).caller(leaf, Clock.systemUTC().instant()) != null
    }
}
