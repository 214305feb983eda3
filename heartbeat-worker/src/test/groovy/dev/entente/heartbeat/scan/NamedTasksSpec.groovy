package dev.entente.heartbeat.scan

import dev.entente.heartbeat.expiry.ApprovalExpiryTask
import dev.entente.heartbeat.expiry.GrantRenewalTask
import dev.entente.heartbeat.schedule.Task
import spock.lang.Specification

import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset

/**
 * Issue 12: the approval expiry and the governance scan are named tasks of the worker, each a
 * thin shell around a plain class that takes the time; the names are the ones worker_runs and
 * doctor already know.
 */
class NamedTasksSpec extends Specification {
    static final Instant FIRED = Instant.parse('2026-11-23T12:00:00Z')
    static final Instant HUB_NOW = FIRED + Duration.ofSeconds(7)

    def "#name runs its plain class at #expected"() {
        given:
        List<Instant> seen = []
        Task task = make(seen)

        when:
        task.run(FIRED)

        then:
        task.name() == name
        seen == [expected]

        where:
        name              | expected | make
        'approval_expiry' | FIRED    | { List s -> new ApprovalExpiryTask({ Instant now -> s << now; 0 }) }
        // the doctor judges the same conditions against the hub's clock, so the scan does too
        'governance_scan' | HUB_NOW  | { List s -> new GovernanceScanTask({ Instant now -> s << now }, Clock.fixed(HUB_NOW, ZoneOffset.UTC)) }
        // issue 18: a grant's term started at the hub's clock, so it is judged by it
        'grant_renewal'   | HUB_NOW  | { List s -> new GrantRenewalTask({ Instant now -> s << now }, Clock.fixed(HUB_NOW, ZoneOffset.UTC)) }
    }

    def "a failing scan fails the run, so worker_runs records it"() {
        given:
        Task task = new GovernanceScanTask({ Instant now -> throw new IllegalStateException('findings table locked') },
                Clock.fixed(HUB_NOW, ZoneOffset.UTC))

        when:
        task.run(FIRED)

        then:
        IllegalStateException e = thrown()
        e.message == 'findings table locked'
    }
}
