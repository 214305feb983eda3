package dev.entente.federation.grant

import com.fasterxml.jackson.databind.ObjectMapper
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.net.Inet6Address
import java.net.InetAddress
import java.time.Duration
import java.time.Instant

import static dev.entente.federation.grant.GrantFixture.NOW
import static dev.entente.federation.grant.Permission.READ
import static dev.entente.federation.grant.Permission.WRITE
import static dev.entente.lifecycle.error.ErrorCode.*

/**
 * The scope rules of DESIGN §5, one table per dimension. Each row issues a real grant (validated
 * and canonicalised by the repository, on real PostgreSQL), decides one call with
 * GrantAuthorizer (which evaluates the compiled grant), and checks whether it applies, the code,
 * and that the detail names the failing dimension. Empty lists mean unrestricted.
 */
class GrantScopeSpec extends Specification {
    @Shared @AutoCleanup GrantFixture db = new GrantFixture()
    @Shared UUID peer

    def setupSpec() {
        peer = db.peer()
    }

    def "instances #instances, header #instance: applies=#applies"() {
        when:
        Decision d = decide([instances: instances], request(instance: instance))

        then:
        verify(d, applies, applies ? null : GRANT_SCOPE_MISMATCH, 'instance', names)

        where:
        instances      | instance || applies | names
        []             | 'i-1'    || true    | 'any instance'
        []             | null     || true    | 'any instance'
        ['i-1']        | 'i-1'    || true    | 'instance i-1 is in [i-1]'
        ['i-1']        | 'i-2'    || false   | 'instance i-2 is not in [i-1]'
        ['i-1', 'i-2'] | 'i-2'    || true    | 'instance i-2 is in [i-1, i-2]'
        ['i-1']        | 'I-1'    || false   | 'instance I-1 is not in [i-1]'   // ids are case-sensitive
        ['i-1']        | 'i-1 '   || false   | 'instance i-1  is not in [i-1]'  // no trimming: exact match
        ['i-1']        | null     || false   | 'no instance given (Federation-Instance-Id header missing); the grant allows instances [i-1]'
        ['i-1']        | ''       || false   | 'no instance given (Federation-Instance-Id header missing)'
        ['i-1']        | '  '     || false   | 'no instance given (Federation-Instance-Id header missing)'
    }

    def "networks #networks, header #network: applies=#applies"() {
        when:
        Decision d = decide([networks: networks], request(network: network))

        then:
        verify(d, applies, applies ? null : GRANT_SCOPE_MISMATCH, 'network', names)

        where:
        networks          | network  || applies | names
        []                | 'net-a'  || true    | 'any network'
        []                | null     || true    | 'any network'
        ['net-a']         | 'net-a'  || true    | 'network net-a is in [net-a]'
        ['net-a']         | 'net-b'  || false   | 'network net-b is not in [net-a]'
        ['net-a', 'vpc:1'] | 'vpc:1' || true    | 'network vpc:1 is in [net-a, vpc:1]'
        ['net-a']         | null     || false   | 'no network given (Federation-Network-Id header missing); the grant allows networks [net-a]'
    }

    def "IPv4 cidrs #cidrs, source #source: applies=#applies"() {
        when:
        Decision d = decide([cidrs: cidrs], request(source: ip(source)))

        then:
        verify(d, applies, applies ? null : GRANT_SCOPE_MISMATCH, 'source_ip', names)

        where:
        cidrs                          | source            || applies | names
        ['0.0.0.0/0']                  | '203.0.113.7'     || true    | 'source ip 203.0.113.7 is in [0.0.0.0/0]'
        ['0.0.0.0/0']                  | '0.0.0.0'         || true    | 'is in [0.0.0.0/0]'
        ['0.0.0.0/0']                  | '255.255.255.255' || true    | 'is in [0.0.0.0/0]'
        ['10.0.0.0/8']                 | '10.0.0.0'        || true    | 'source ip 10.0.0.0 is in [10.0.0.0/8]'        // first address
        ['10.0.0.0/8']                 | '10.255.255.255'  || true    | 'source ip 10.255.255.255 is in [10.0.0.0/8]'  // last address
        ['10.0.0.0/8']                 | '9.255.255.255'   || false   | 'source ip 9.255.255.255 is not in [10.0.0.0/8]'
        ['10.0.0.0/8']                 | '11.0.0.0'        || false   | 'source ip 11.0.0.0 is not in [10.0.0.0/8]'
        ['172.16.0.0/12']              | '172.31.255.255'  || true    | 'is in [172.16.0.0/12]'
        ['172.16.0.0/12']              | '172.32.0.0'      || false   | 'source ip 172.32.0.0 is not in [172.16.0.0/12]'
        ['128.0.0.0/1']                | '255.255.255.255' || true    | 'is in [128.0.0.0/1]'       // the sign bit of an int
        ['128.0.0.0/1']                | '127.255.255.255' || false   | 'is not in [128.0.0.0/1]'
        ['192.0.2.7/32']               | '192.0.2.7'       || true    | 'source ip 192.0.2.7 is in [192.0.2.7/32]'
        ['192.0.2.7/32']               | '192.0.2.8'       || false   | 'source ip 192.0.2.8 is not in [192.0.2.7/32]'
        ['192.0.2.7/32']               | '192.0.2.6'       || false   | 'source ip 192.0.2.6 is not in [192.0.2.7/32]'
        ['192.0.2.7']                  | '192.0.2.7'       || true    | 'is in [192.0.2.7/32]'      // a bare address is a /32
        ['10.0.0.0/8', '192.0.2.0/24'] | '192.0.2.200'     || true    | 'is in [10.0.0.0/8, 192.0.2.0/24]'
        ['10.0.0.0/8', '192.0.2.0/24'] | '192.0.3.1'       || false   | 'source ip 192.0.3.1 is not in [10.0.0.0/8, 192.0.2.0/24]'
        ['10.0.0.0/8']                 | '2001:db8::1'     || false   | 'source ip 2001:db8::1 is not in [10.0.0.0/8]' // IPv6 source, IPv4 list
        []                             | '203.0.113.7'     || true    | 'any source ip'
        []                             | null              || true    | 'any source ip'
        ['10.0.0.0/8']                 | null              || false   | 'source ip unknown; the grant allows only [10.0.0.0/8]'
    }

    def "IPv6 cidrs #cidrs, source #source: applies=#applies"() {
        when:
        Decision d = decide([cidrs: cidrs], request(source: ip(source)))

        then:
        verify(d, applies, applies ? null : GRANT_SCOPE_MISMATCH, 'source_ip', names)

        where:
        cidrs                             | source                                || applies | names
        ['::/0']                          | '2001:db8::1'                         || true    | 'source ip 2001:db8::1 is in [::/0]'
        ['::/0']                          | 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' || true | 'is in [::/0]'
        ['::/0']                          | '203.0.113.7'                         || false   | 'source ip 203.0.113.7 is not in [::/0]' // IPv4 matches IPv4 cidrs only
        ['2001:db8:1:2::/64']             | '2001:db8:1:2::'                      || true    | 'is in [2001:db8:1:2::/64]'
        ['2001:db8:1:2::/64']             | '2001:db8:1:2:ffff:ffff:ffff:ffff'    || true    | 'is in [2001:db8:1:2::/64]'
        ['2001:db8:1:2::/64']             | '2001:db8:1:3::'                      || false   | 'source ip 2001:db8:1:3:: is not in [2001:db8:1:2::/64]'
        ['2001:db8:1:2::/64']             | '2001:db8:1:1:ffff:ffff:ffff:ffff'    || false   | 'is not in [2001:db8:1:2::/64]'
        ['2001:db8::/32']                 | '2001:db8:ffff::1'                    || true    | 'is in [2001:db8::/32]'
        ['2001:db8::/32']                 | '2001:db9::'                          || false   | 'source ip 2001:db9:: is not in [2001:db8::/32]'
        ['2001:db8::/65']                 | '2001:db8::7fff:ffff:ffff:ffff'       || true    | 'is in [2001:db8::/65]'  // mask crosses into the low 64 bits
        ['2001:db8::/65']                 | '2001:db8::8000:0:0:0'                || false   | 'is not in [2001:db8::/65]'
        ['8000::/1']                      | 'ffff::1'                             || true    | 'is in [8000::/1]'       // the sign bit of a long
        ['8000::/1']                      | '7fff::1'                             || false   | 'is not in [8000::/1]'
        ['2001:db8::1/128']               | '2001:db8::1'                         || true    | 'source ip 2001:db8::1 is in [2001:db8::1/128]'
        ['2001:db8::1/128']               | '2001:db8::2'                         || false   | 'source ip 2001:db8::2 is not in [2001:db8::1/128]'
        ['2001:db8::1/128']               | '2001:db8::'                          || false   | 'is not in [2001:db8::1/128]'
        ['10.0.0.0/8', '2001:db8::/32']   | '2001:db8::5'                         || true    | 'is in [10.0.0.0/8, 2001:db8::/32]'
        ['10.0.0.0/8', '2001:db8::/32']   | '10.1.2.3'                            || true    | 'is in [10.0.0.0/8, 2001:db8::/32]'
        ['10.0.0.0/8', '2001:db8::/32']   | 'fe80::1'                             || false   | 'source ip fe80::1 is not in [10.0.0.0/8, 2001:db8::/32]'
    }

    def "IPv4-mapped IPv6 source #source (#kind) against #cidrs: applies=#applies"() {
        when:
        Decision d = decide([cidrs: cidrs], request(source: address))

        then:
        verify(d, applies, applies ? null : GRANT_SCOPE_MISMATCH, 'source_ip', names)

        where:
        cidrs             | source             | address                      || applies | names
        ['127.0.0.0/8']   | '::ffff:127.0.0.1' | mapped('127.0.0.1')          || true    | 'source ip ::ffff:127.0.0.1 is in [127.0.0.0/8]'
        ['127.0.0.1/32']  | '::ffff:127.0.0.1' | mapped('127.0.0.1')          || true    | 'is in [127.0.0.1/32]'
        ['10.0.0.0/8']    | '::ffff:127.0.0.1' | mapped('127.0.0.1')          || false   | 'source ip ::ffff:127.0.0.1 is not in [10.0.0.0/8]'
        ['::/0']          | '::ffff:127.0.0.1' | mapped('127.0.0.1')          || false   | 'source ip ::ffff:127.0.0.1 is not in [::/0]'  // matched as IPv4
        ['127.0.0.0/8']   | '::ffff:127.0.0.1' | ip('::ffff:127.0.0.1')       || true    | 'source ip 127.0.0.1 is in [127.0.0.0/8]'      // the JDK's own parse: already IPv4
        kind = address instanceof Inet6Address ? 'Inet6Address' : 'Inet4Address'
    }

    def "scopes #scopes, call needs #needed: applies=#applies"() {
        when:
        Decision d = decide([scopes: scopes as Set], request(permission: needed))

        then:
        verify(d, applies, applies ? null : GRANT_PERMISSION_INSUFFICIENT, 'permission', names)

        where:
        scopes        | needed || applies | names
        [READ]        | READ   || true    | 'read is granted [read]'
        [READ]        | WRITE  || false   | 'write is not granted; the grant allows [read]'
        [READ, WRITE] | WRITE  || true    | 'write is granted [read, write]'
        [READ, WRITE] | READ   || true    | 'read is granted [read, write]'
        [WRITE]       | READ   || false   | 'read is not granted; the grant allows [write]'  // write does not imply read
        [WRITE]       | WRITE  || true    | 'write is granted [write]'
    }

    def "expiry at #offset from expires_at: applies=#applies (decide moves it to expired: #moved)"() {
        given:
        Instant expiresAt = NOW + Duration.ofHours(1)
        IssuedGrant issued = db.issue(peer: peer, expiresAt: expiresAt)

        when:
        Decision d = db.authorizer.decide(issued.grant(), request(now: expiresAt + offset))

        then:
        verify(d, applies, applies ? null : GRANT_EXPIRED, 'state', names)
        db.row(issued.grant().id()).state == (moved ? 'expired' : 'active')

        where:
        offset                    || applies | moved | names
        Duration.ofHours(-1)      || true    | false | 'grant is active until'
        Duration.ofNanos(-1)      || true    | false | 'grant is active until'
        Duration.ofNanos(-1000)   || true    | false | 'grant is active until'
        Duration.ZERO             || false   | true  | 'expired at'     // now >= expires_at: the boundary is expired
        Duration.ofNanos(1000)    || false   | true  | 'expired at'
        Duration.ofDays(3)        || false   | true  | 'expired at'
    }

    def "explain answers like decide but does not move an expired grant"() {
        given:
        IssuedGrant issued = db.issue(peer: peer, expiresAt: NOW + Duration.ofHours(1))
        def late = request(now: NOW + Duration.ofHours(2))

        when:
        Decision explained = db.authorizer.explain(issued.grant(), late)

        then:
        !explained.applies() && explained.code() == GRANT_EXPIRED
        db.row(issued.grant().id()).state == 'active'

        when:
        Decision decided = db.authorizer.decide(issued.grant(), late)

        then:
        decided == explained
        db.row(issued.grant().id()).state == 'expired'
        db.auditOf(issued.grant().id())*.type == ['grant.expired']
    }

    def "a failing lazy expiry never changes the decision"() {
        given: 'a grant the database does not hold: the lazy EXPIRE fails with not_found'
        Grant ghost = new Grant(UUID.randomUUID(), peer, GrantState.ACTIVE, 0, [READ] as Set, [], [], [],
                NOW - Duration.ofMinutes(1), 'alice', null, NOW, NOW, NOW)

        when:
        Decision d = db.authorizer.decide(ghost, request())

        then:
        notThrown(EntenteException)
        !d.applies() && d.code() == GRANT_EXPIRED
    }

    def "a #state grant is refused with #code even when everything else matches"() {
        given:
        UUID id = db.grantIn(state, [peer_id: peer, expires_at: NOW + Duration.ofDays(1), revoked_reason: reason])
        Grant grant = db.repository.find(id).get()

        when:
        Decision d = db.authorizer.decide(grant, request())

        then:
        verify(d, false, code, 'state', names)
        db.row(id).state == state.value()   // decide never moves anything but an overdue active grant

        where:
        state                       | reason          || code                   | names
        GrantState.REVOKED          | 'key leaked'    || GRANT_REVOKED          | 'is revoked (key leaked)'
        GrantState.REVOKED          | null            || GRANT_REVOKED          | 'is revoked'
        GrantState.EXPIRED          | null            || GRANT_EXPIRED          | 'expired at'
    }

    def "checks run in order and all are listed: the first failure gives the code"() {
        given: 'a revoked grant whose instance, network and source would not match either'
        UUID id = db.grantIn(GrantState.REVOKED, [peer_id: peer, expires_at: NOW + Duration.ofDays(1)])
        db.sql.execute("UPDATE grants SET instance_ids = ARRAY['i-1'], network_ids = ARRAY['n-1'], source_cidrs = ARRAY['10.0.0.0/8'] WHERE id = ?", [id])
        Grant grant = db.repository.find(id).get()

        when:
        Decision d = db.authorizer.explain(grant, request(permission: WRITE, instance: 'i-2', network: 'n-2', source: ip('192.0.2.1')))

        then:
        d.code() == GRANT_REVOKED
        d.checks()*.check() == ['state', 'permission', 'instance', 'network', 'source_ip']
        d.checks()*.ok() == [false, false, false, false, false]
        json(d).keySet() as List == ['applies', 'checks']
        json(d).checks[2] == [check: 'instance', ok: false, detail: 'instance i-2 is not in [i-1]']

        when: 'the same call under an active grant that matches all but the network'
        IssuedGrant ok = db.issue(peer: peer, scopes: [READ, WRITE] as Set, instances: ['i-2'], networks: ['n-1'], cidrs: ['192.0.2.0/24'])
        Decision n = db.authorizer.decide(ok.grant(), request(permission: WRITE, instance: 'i-2', network: 'n-2', source: ip('192.0.2.1')))

        then:
        n.code() == GRANT_SCOPE_MISMATCH
        n.detail() == 'network n-2 is not in [n-1]'
        n.checks()*.ok() == [true, true, true, false, true]

        when:
        n.orThrow()

        then:
        EntenteException e = thrown()
        e.code() == GRANT_SCOPE_MISMATCH && e.code().status() == 403
        e.extensions() == [check: 'network']
    }

    def "a grant that applies says so and every check passes"() {
        given:
        IssuedGrant issued = db.issue(peer: peer, scopes: [READ, WRITE] as Set, instances: ['i-1'], networks: ['n-1'],
                cidrs: ['10.0.0.0/8', '2001:db8::/32'])

        when:
        Decision d = db.authorizer.decide(issued.grant(), request(permission: WRITE, instance: 'i-1', network: 'n-1', source: ip('2001:db8::9')))

        then:
        d.applies() && d.code() == null
        d.checks().every { it.ok() }
        json(d) == [applies: true, checks: d.checks().collect { json(it) }]
        notThrown(EntenteException)
    }

    def "the compiled matcher agrees with decide on every row above (GrantMatcher over many grants)"() {
        given:
        List<IssuedGrant> issued = [
                db.issue(peer: peer, instances: ['i-1'], cidrs: ['10.0.0.0/8']),
                db.issue(peer: peer, scopes: [WRITE] as Set, networks: ['n-1'], cidrs: ['2001:db8::/32', '192.0.2.7']),
                db.issue(peer: peer)]
        GrantMatcher matcher = GrantMatcher.of(issued*.grant())
        long now = CompiledGrant.epochNanos(NOW)

        expect:
        matcher.size() == 3
        matcher.decide(issued[0].grant().id(), READ, 'i-1', null, ip('10.9.9.9'), now) == CompiledGrant.APPLIES
        matcher.decide(issued[0].grant().id(), READ, 'i-1', null, ip('11.0.0.1'), now) == CompiledGrant.SOURCE_MISMATCH
        matcher.decide(issued[0].grant().id(), READ, 'i-2', null, ip('10.0.0.1'), now) == CompiledGrant.INSTANCE_MISMATCH
        matcher.decide(issued[0].grant().id(), WRITE, 'i-1', null, ip('10.0.0.1'), now) == CompiledGrant.PERMISSION_INSUFFICIENT
        matcher.decide(issued[1].grant().id(), WRITE, null, 'n-1', mapped('192.0.2.7'), now) == CompiledGrant.APPLIES
        matcher.decide(issued[1].grant().id(), WRITE, null, 'n-2', ip('2001:db8::1'), now) == CompiledGrant.NETWORK_MISMATCH
        matcher.decide(issued[2].grant().id(), READ, null, null, null, CompiledGrant.epochNanos(NOW + Duration.ofDays(1))) == CompiledGrant.EXPIRED
        matcher.decide(UUID.randomUUID(), READ, null, null, null, now) == CompiledGrant.UNKNOWN
        CompiledGrant.errorCode(CompiledGrant.UNKNOWN) == GRANT_UNKNOWN
        CompiledGrant.errorCode(CompiledGrant.APPLIES) == null
    }

    def "a state change of a cached grant is seen at once (the compiled form is cached by id)"() {
        given:
        IssuedGrant issued = db.issue(peer: peer)
        assert db.authorizer.decide(issued.grant(), request()).applies()

        when:
        db.grants.revoke(issued.grant().id(), 'alice', 'done')
        Decision d = db.authorizer.decide(db.repository.find(issued.grant().id()).get(), request())

        then:
        d.code() == GRANT_REVOKED
    }

    // --- helpers ---

    private Decision decide(Map grantArgs, AccessRequest request) {
        IssuedGrant issued = db.issue([peer: peer] + grantArgs)
        db.authorizer.decide(issued.grant(), request)
    }

    private static AccessRequest request(Map args = [:]) {
        new AccessRequest((args.permission ?: READ) as Permission, args.instance as String, args.network as String,
                args.source as InetAddress, (args.now ?: NOW) as Instant)
    }

    /** The decision applies or not, with the code, and the dimension's check names what it compared. */
    private static boolean verify(Decision d, boolean applies, ErrorCode code, String check, String names) {
        assert d.applies() == applies
        assert d.code() == code
        assert d.checks()*.check() == ['state', 'permission', 'instance', 'network', 'source_ip']
        Check c = d.checks().find { it.check() == check }
        assert c.ok() == (applies || code == null)
        assert c.detail().contains(names)
        if (!applies) {
            assert d.detail() == c.detail()
            assert code.status() == 403
        }
        true
    }

    static InetAddress ip(String text) {
        text == null ? null : Cidr.parseAddress(text)
    }

    /** An Inet6Address that keeps its IPv4-mapped form, as some socket layers hand it over. */
    static InetAddress mapped(String v4) {
        byte[] b = new byte[16]
        b[10] = (byte) 0xff
        b[11] = (byte) 0xff
        Cidr.parseAddress(v4).getAddress().eachWithIndex { byte x, int i -> b[12 + i] = x }
        Inet6Address.getByAddress(null, b, -1)
    }

    /** The JSON an API answer or the CLI shows, read back as plain values. */
    private static Map json(Object value) {
        new ObjectMapper().convertValue(value, Map)
    }
}
