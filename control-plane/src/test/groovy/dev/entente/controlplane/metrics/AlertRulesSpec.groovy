package dev.entente.controlplane.metrics

import spock.lang.Specification

import java.nio.file.Path

/**
 * Issue 14: the alert rules shipped in {@code docs/monitoring/} are valid Prometheus rules and
 * behave as their unit tests say, checked with Prometheus' own {@code promtool}.
 * {@link MetricsSpec} checks that they name only series a hub exports.
 */
class AlertRulesSpec extends Specification {
    static final Path DIR = Path.of('..', 'docs', 'monitoring')

    def "promtool check rules accepts the alert rules"() {
        when:
        def r = Promtool.run(null, 'check', 'rules', DIR.resolve('entente-alerts.yml').toString())

        then:
        r.code == 0
        r.output.contains('SUCCESS')
    }

    def "promtool test rules passes the rules' unit tests"() {
        when:
        def r = Promtool.run(null, 'test', 'rules', DIR.resolve('entente-alerts.test.yml').toString())

        then: 'a failing test prints the alerts it expected and got'
        assert r.code == 0: r.output
        r.output.contains('SUCCESS')
    }

    def "every alert has a severity, a summary and a runbook pointer"() {
        when:
        def rules = MonitoringDocs.alertRules()

        then:
        rules.size() >= 8
        rules.every { it.labels?.severity in ['warning', 'critical'] && it.annotations?.summary && it.annotations?.runbook }
        rules.collect { it.annotations.runbook.split(' ')[0] }.every { DIR.resolve('..').resolve('..').resolve(it).toFile().isFile() }
    }
}
