package dev.entente.controlplane.metrics

import groovy.json.JsonSlurper
import org.yaml.snakeyaml.Yaml

/** Reads the alert rules and the dashboard of {@code docs/monitoring/} and the metric names their queries use. */
class MonitoringDocs {
    /** PromQL words that are not metric names: functions, aggregations, keywords. */
    static final Set<String> PROMQL = ['sum', 'min', 'max', 'avg', 'count', 'rate', 'increase', 'time', 'by', 'without',
                                       'on', 'ignoring', 'and', 'or', 'unless', 'bool', 'offset', 'label_values',
                                       'histogram_quantile', 'group_left', 'group_right'] as Set

    static List<Map> alertRules() {
        Map doc = new Yaml().load(AlertRulesSpec.DIR.resolve('entente-alerts.yml').text)
        doc.groups.collectMany { it.rules }
    }

    static List<String> dashboardQueries() {
        def dash = new JsonSlurper().parse(AlertRulesSpec.DIR.resolve('entente-dashboard.json').toFile())
        dash.panels.collectMany { it.targets*.expr } + dash.templating.list.findAll { it.type == 'query' }*.query
    }

    /** The metric names an expression reads. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll(/\{[^}]*}/, ' ')              // label matchers
                .replaceAll(/\[[^\]]*]/, ' ')                        // range selectors
                .replaceAll(/\b(by|without|on|ignoring)\s*\([^)]*\)/, ' ') // grouping labels
                .replaceAll(/"[^"]*"/, ' ')
                .replaceAll(/,\s*[a-z_]+\s*\)/, ')')                 // label_values(metric, label)
        (bare =~ /\b[a-zA-Z_:][a-zA-Z0-9_:]*\b/).collect { it as String }
                .findAll { !(it in PROMQL) && !(it ==~ /\d.*/) && !(it ==~ /\d+[smhdwy]/) } as Set
    }
}
