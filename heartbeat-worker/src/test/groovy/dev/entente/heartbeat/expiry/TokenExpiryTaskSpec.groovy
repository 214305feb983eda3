package dev.entente.heartbeat.expiry

import dev.entente.federation.peer.PeerCredentials
import dev.entente.federation.peer.PeerRepository
import dev.entente.federation.peer.PeerTable
import dev.entente.lifecycle.audit.AuditKey
import dev.entente.lifecycle.audit.AuditKeyring
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.lifecycle.db.DataContext
import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql
import spock.lang.Specification

import java.time.Clock
import java.time.Duration
import java.time.Instant

/**
 * The acceptance-token expiry job forgets expired tokens of proposed peers, once, with one audit
 * event, and deletes operators' sign-ins and one-time sign-in codes past their expiry.
 */
class TokenExpiryTaskSpec extends Specification {

    def "expired tokens are cleared and audited; live ones and accepted peers are left alone; a second run does nothing"() {
        given:
        def ds = PostgresFixture.migratedDatabase().dataSource()
        def data = DataContext.over(ds)
        def tx = data.tx()
        def keyring = new AuditKeyring() {
            AuditKey current() { new AuditKey('k1', new byte[32]) }

            Optional<AuditKey> byId(String id) { Optional.of(current()) }
        }
        def audit = new AuditLog(keyring, Clock.systemUTC())
        def peers = new PeerRepository(tx, data.bean(PeerTable))
        def now = Instant.now()
        def expired = peers.propose('old', new byte[32], UUID.randomUUID(), now.minus(Duration.ofHours(1)))
        def live = peers.propose('fresh', new byte[32], UUID.randomUUID(), now.plus(Duration.ofDays(1)))
        def task = new TokenExpiryTask(tx, audit, new PeerCredentials(tx))
        def sql = Sql.newInstance(ds)

        when:
        task.run(now)
        task.run(now)

        then:
        peers.find(expired.id()).get().tokenJti() == null
        peers.find(live.id()).get().tokenJti() == live.tokenJti()
        def events = sql.rows("SELECT details FROM audit_events WHERE type = 'peer.token_expired'")
        events.size() == 1
        events[0].details.contains(expired.id().toString())

        cleanup:
        sql?.close()
        data?.close()
        ds?.close()
    }

    def "sign-ins and one-time sign-in codes past their expiry are deleted; live ones stay"() {
        given:
        def ds = PostgresFixture.migratedDatabase().dataSource()
        def data = DataContext.over(ds)
        def tx = data.tx()
        def audit = new AuditLog(new AuditKeyring() {
            AuditKey current() { new AuditKey('k1', new byte[32]) }

            Optional<AuditKey> byId(String id) { Optional.of(current()) }
        }, Clock.systemUTC())
        def now = Instant.now()
        def sql = Sql.newInstance(ds)
        [[1, now.minusSeconds(1)], [2, now.plusSeconds(600)]].each { n, at ->
            sql.execute('INSERT INTO oidc_sign_ins (state_digest, nonce_digest, sealed_verifier, port, expires_at) VALUES (?, ?, ?, 0, ?)',
                    [[n] as byte[], [n] as byte[], [n] as byte[], java.sql.Timestamp.from(at)])
            sql.execute("INSERT INTO oidc_sign_in_codes (code_digest, idp_issuer, idp_subject, idp_groups, roles, cli_challenge, expires_at) "
                    + "VALUES (?, 'https://idp', 'alice', '{}', '{operator}', 'c', ?)", [[n] as byte[], java.sql.Timestamp.from(at)])
        }

        when:
        new TokenExpiryTask(tx, audit, new PeerCredentials(tx)).run(now)

        then:
        sql.rows('SELECT state_digest FROM oidc_sign_ins')*.state_digest*.toList() == [[2 as byte]]
        sql.rows('SELECT code_digest FROM oidc_sign_in_codes')*.code_digest*.toList() == [[2 as byte]]

        cleanup:
        sql?.close()
        data?.close()
        ds?.close()
    }
}
