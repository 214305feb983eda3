package dev.entente.controlplane.config

import dev.entente.ca.authority.CaAlgorithm
import dev.entente.controlplane.TestHubs
import dev.entente.federation.approval.ApprovalGate
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.EmbeddedDatabase
import dev.entente.controlplane.hub.HubLauncher
import dev.entente.controlplane.hub.HubSettings
import dev.entente.lifecycle.error.EntenteException
import io.micronaut.context.ApplicationContext
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Unroll

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Duration

/**
 * Settings (issue 12): one configuration record per concept holds each default; flags beat
 * environment variables beat entente.yml; an unknown entente.* key stops the start, naming the
 * key, where it was written and the nearest valid key; docs/configuration.md is generated from
 * the records.
 */
class ConfigurationSpec extends Specification {
    // Surefire runs in the module directory; the docs live at the repository root.
    static final Path DOCS = Path.of('..', 'docs', 'configuration.md')

    @Shared @AutoCleanup
    ApplicationContext empty = ApplicationContext.builder().deduceEnvironment(false).banner(false)
            .environmentPropertySource(false).start()

    def "with nothing configured every setting has its DESIGN §9 default"() {
        when:
        def s = HubSettings.from(empty, Path.of('/nowhere'))

        then:
        s.name() == InetAddress.localHost.hostName
        s.bind() == '0.0.0.0'
        s.port() == 7443
        s.publicUrl() == null
        s.publicUrl(7443) == "https://${InetAddress.localHost.hostName}:7443"
        s.dbUrl() == null
        s.heartbeatInterval() == Duration.ofSeconds(30)
        s.staleAfter() == Duration.ofMinutes(5)
        s.sweepInterval() == Duration.ofSeconds(60)
        s.acceptanceTtl() == Duration.ofDays(7)
        s.clockSkew() == Duration.ofSeconds(60)
        s.nodeTtl() == Duration.ofDays(7)
        s.tlsRotationGrace() == Duration.ofHours(24)
        s.tlsCertValidity() == Duration.ofDays(365)
        s.approvalsTimeout() == Duration.ofHours(4)
        s.approvalPolicies() == ApprovalGate.ACTIONS.collectEntries { [(it): 'auto'] }
        !s.drillMode()
        s.caAlgorithm() == CaAlgorithm.ED25519
        s.database() == EmbeddedDatabase.Options.DEFAULTS
        empty.getBean(WorkerConfiguration).inProcess()
        !empty.getBean(TestingConfiguration).haltAfterApproval()
    }

    def "a start flag beats an ENTENTE_* variable, which beats entente.yml"() {
        given: 'each level sets what the one below it sets too'
        def dir = Files.createTempDirectory('entente-precedence')
        dir.resolve('entente.yml').text = '''\
            entente:
              heartbeat:
                interval: 7s
                stale-after: 8m
              sweep:
                interval: 9s
              approvals:
                policy:
                  peer.accept: require_approval
            '''.stripIndent()
        def env = [ENTENTE_HEARTBEAT_STALE_AFTER: '2m', ENTENTE_SWEEP_INTERVAL: '3s',
                   ENTENTE_APPROVALS_POLICY_PEER_REVOKE: 'require_approval']

        when:
        def hub = TestHubs.start(dir, ['entente.sweep.interval': '4s'], env)
        def s = hub.settings()

        then:
        s.heartbeatInterval() == Duration.ofSeconds(7)   // entente.yml only
        s.staleAfter() == Duration.ofMinutes(2)          // environment over entente.yml
        s.sweepInterval() == Duration.ofSeconds(4)       // flag over environment over entente.yml
        s.approvalPolicies()['peer.accept'] == 'require_approval'
        s.approvalPolicies()['peer.revoke'] == 'require_approval'
        s.approvalPolicies()['ca.rotate'] == 'auto'

        cleanup:
        hub?.stop()
    }

    @Unroll
    def "#written in entente.yml stops the start: #expected"() {
        given:
        def dir = Files.createTempDirectory('entente-typo')
        Path yml = dir.resolve('entente.yml')
        yml.text = nested(written, '1s')

        when:
        HubLauncher.launch(flags(dir), null, [:], Clock.systemUTC())

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'invalid_request'
        e.detail() == expected.replace('FILE', yml.toString())
        !Files.exists(dir.resolve('pg'))

        where:
        written                                 || expected
        'entente.heartbeat.intervall'           || 'unknown setting entente.heartbeat.intervall in FILE; did you mean entente.heartbeat.interval?'
        'entente.hearbeat.interval'             || 'unknown setting entente.hearbeat.interval in FILE; did you mean entente.heartbeat.interval?'
        'entente.heartbeat.stale_after'         || 'unknown setting entente.heartbeat.stale_after in FILE; did you mean entente.heartbeat.stale-after?'
        'entente.tls.rotation-grase'            || 'unknown setting entente.tls.rotation-grase in FILE; did you mean entente.tls.rotation-grace?'
        'entente.hub.public_url'                || 'unknown setting entente.hub.public_url in FILE; did you mean entente.hub.public-url?'
        'entente.database.os_user'              || 'unknown setting entente.database.os_user in FILE; did you mean entente.database.os-user?'
        'entente.approvals.policies.peer.revoke' || 'unknown setting entente.approvals.policies.peer.revoke in FILE; did you mean entente.approvals.policy.peer.revoke?'
        'entente.sweeps'                        || 'unknown setting entente.sweeps in FILE; every setting is listed in docs/configuration.md'
        'entente.approvals.policy.peer.revok'   || 'unknown entente.approvals.policy entry peer.revok (entente.approvals.policy.peer.revok) in FILE; the entries are ' +
                'peer.propose, peer.accept, peer.revoke, peer.set-url, grant.issue.write, ca.rotate, peer.reenroll_token, peer.reenroll, keys.rotate; did you mean entente.approvals.policy.peer.revoke?'
    }

    def "an unknown key among the start flags stops the start too"() {
        given:
        def dir = Files.createTempDirectory('entente-flag-typo')

        when:
        HubLauncher.launch(flags(dir) + ['entente.hub.nmae': 'x'], null, [:], Clock.systemUTC())

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'invalid_request'
        e.detail() == 'unknown setting entente.hub.nmae in start flags; did you mean entente.hub.name?'
    }

    def "keys outside entente, and map entries in their environment form, are not refused"() {
        given:
        def keys = SettingKeys.of(empty)

        when:
        keys.refuseUnknown(['micronaut.server.idle-timeout', 'entente.approvals.policy.grant-issue-write',
                            'entente.approvals.policy.peer.revoke', 'entente.data-dir'], 'start flags')

        then:
        noExceptionThrown()
    }

    def "an unknown ENTENTE_* variable under a setting's prefix is a warning; the CLI's own variables are left alone"() {
        given:
        def env = new EnvironmentSource([ENTENTE_HEARTBEAT_INTERVALL: '1s', ENTENTE_HEARTBEAT_INTERVAL: '1s',
                                         ENTENTE_TOKEN: 't', ENTENTE_KEY_PASSPHRASE: 'p', ENTENTE_PG_CACHE: '/c',
                                         ENTENTE_DATA_DIR: '/d', ENTENTE_APPROVALS_POLICY_GRANT_ISSUE_WRITE: 'auto',
                                         PATH: '/bin'])

        expect:
        SettingKeys.of(empty).check([env]) ==
                ['unknown setting ENTENTE_HEARTBEAT_INTERVALL in the environment, ignored; did you mean ENTENTE_HEARTBEAT_INTERVAL?']
    }

    @Unroll
    def "#key: #value in entente.yml stops the start with invalid_request, as before"() {
        given:
        def dir = Files.createTempDirectory('entente-bad-value')
        dir.resolve('entente.yml').text = nested(key, value)

        when:
        HubLauncher.launch(flags(dir), null, [:], Clock.systemUTC())

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'invalid_request'
        e.detail().contains(detail)

        where:
        key                                   | value      || detail
        'entente.heartbeat.interval'          | 'soon'     || "entente.heartbeat.interval 'soon' is not a duration; write it like 500ms, 30s, 5m, 24h, 7d or 1h30m"
        'entente.heartbeat.stale-after'       | '36501d'   || "entente.heartbeat.stale-after '36501d' is too long; the maximum is 36500d"
        'entente.ca.algorithm'                | 'rsa'      || 'entente.ca.algorithm must be ed25519 or ecdsa-p256, not rsa'
        'entente.approvals.policy.peer.revoke' | 'never'   || 'entente.approvals.policy.peer.revoke must be auto or require_approval, not never'
        // A half-configured identity provider stops the start, not the first sign-in.
        'entente.oidc.issuer'                 | 'https://idp.example' || 'entente.oidc.client-id is required with entente.oidc.issuer'
        'entente.oidc.issuer'                 | 'http://idp.example'  || 'entente.oidc.issuer must be an https URL (http only on a loopback address)'
    }

    def "identity provider groups are the operator's own names: any entry of groups-to-roles is accepted, in the environment too"() {
        given:
        def keys = SettingKeys.of(empty)
        def env = new EnvironmentSource([ENTENTE_OIDC_GROUPS_TO_ROLES_PLATFORM_ADMINS: 'admin', ENTENTE_OIDC_ISSUERR: 'x'])

        when:
        keys.refuseUnknown(['entente.oidc.groups-to-roles.platform-admins', 'entente.oidc.groups-to-roles./org/sre'], 'start flags')

        then:
        noExceptionThrown()
        keys.check([env]) == ['unknown setting ENTENTE_OIDC_ISSUERR in the environment, ignored; did you mean ENTENTE_OIDC_ISSUER?']
    }

    @Unroll
    def "#key: #value is refused rather than bound as the default"() {
        given:
        def ctx = ApplicationContext.builder().deduceEnvironment(false).banner(false).environmentPropertySource(false)
                .properties([(key): value]).start()

        when:
        HubSettings.from(ctx, Path.of('/nowhere'))

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'invalid_request'
        e.detail() == detail

        cleanup:
        ctx.close()

        where:
        key                             | value       || detail
        'entente.hub.port'              | 'seventy'   || 'entente.hub.port must be a whole number, not seventy'
        'entente.federation.drill-mode' | 'sometimes' || 'entente.federation.drill-mode must be true or false, not sometimes'
        'entente.worker.in-process'     | '2'         || 'entente.worker.in-process must be true or false, not 2'
    }

    def "entente start exits non-zero with the refusal on stderr"() {
        given:
        def dir = Files.createTempDirectory('entente-cli-typo')
        Path yml = dir.resolve('entente.yml')
        yml.text = nested('entente.heartbeat.intervall', '1s')
        def out = new StringWriter()
        def err = new StringWriter()

        when:
        int code = Main.run(['start', '--data-dir', dir.toString(), '--bind', '127.0.0.1', '--port', '0'] as String[],
                [:], new PrintWriter(out), new PrintWriter(err))

        then:
        code != 0
        err.toString().contains("error: invalid_request: unknown setting entente.heartbeat.intervall in ${yml}; " +
                'did you mean entente.heartbeat.interval?')
    }

    def "docs/configuration.md matches the configuration records"() {
        given:
        if (Boolean.getBoolean('entente.docs.regenerate')) {
            ConfigurationDocs.main([DOCS.toString()] as String[])
        }

        expect:
        Files.exists(DOCS)
        assert Files.readString(DOCS, StandardCharsets.UTF_8) == ConfigurationDocs.document():
                "docs/configuration.md is stale; regenerate it from the repository root with:\n    " +
                        ConfigurationDocs.REGENERATE_COMMAND + "\nand commit the result"
    }

    def "the page documents exactly the keys the start accepts, each with a meaning"() {
        given:
        def keys = SettingKeys.of(empty)
        def documented = ConfigurationDocs.groups().collectMany { it.settings() }

        expect:
        documented*.key() as Set == (keys.keys() + keys.maps().keySet().collect { it + '.<entry>' }) as Set
        documented.every { !it.meaning().isBlank() }
    }

    /** The flags TestHubs starts with, on {@code dir}. */
    private static Map<String, Object> flags(Path dir) {
        ['entente.data-dir': dir.toString(), 'entente.hub.bind': '127.0.0.1', 'entente.hub.port': 0, 'entente.hub.name': 'spec-hub']
    }

    /** {@code a.b.c: value} as nested YAML, as operators write it. */
    private static String nested(String key, String value) {
        def parts = key.split('\\.')
        def out = new StringBuilder()
        parts.eachWithIndex { part, i ->
            out << '  ' * i << part << ':' << (i == parts.length - 1 ? ' ' + value : '') << '\n'
        }
        out.toString()
    }
}
