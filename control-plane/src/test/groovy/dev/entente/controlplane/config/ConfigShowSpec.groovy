package dev.entente.controlplane.config

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.security.OperatorTokens
import dev.entente.controlplane.security.Role
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.time.Duration

/**
 * Issue 14: {@code entente config show} prints the configuration the running hub uses, each value
 * with its source (flag, env, file, default), and never a secret.
 */
class ConfigShowSpec extends Specification {
    @Shared RunningHub hub

    def setupSpec() {
        def dir = Files.createTempDirectory('entente-config-show')
        dir.resolve('entente.yml').text = '''\
            entente:
              tls:
                rotation-grace: 2h
              db:
                password: hunter2
              heartbeat:
                interval: 9s
            '''.stripIndent()
        hub = TestHubs.start(dir, ['entente.hub.name': 'config-hub'], [ENTENTE_HEARTBEAT_INTERVAL: '7s'])
    }

    def cleanupSpec() {
        hub?.close()
    }

    def "each value with its source: a flag, an env value over the file's, a file value, a default, a redacted secret"() {
        when:
        def r = TestHubs.cli(hub, 'config', 'show', '--output', 'json')
        def settings = r.json.settings.collectEntries { [(it.key): it] }

        then:
        r.code == 0
        settings['entente.hub.name'].value == 'config-hub'
        settings['entente.hub.name'].source == 'flag'
        settings['entente.heartbeat.interval'].value == '7s'
        settings['entente.heartbeat.interval'].source == 'env'
        settings['entente.heartbeat.interval'].origin == 'ENTENTE_HEARTBEAT_INTERVAL'
        settings['entente.tls.rotation-grace'].value == '2h'
        settings['entente.tls.rotation-grace'].source == 'file'
        settings['entente.tls.rotation-grace'].origin == hub.dataDir().resolve('entente.yml').toString()
        settings['entente.sweep.interval'].source == 'default'
        settings['entente.sweep.interval'].origin == null

        and: 'the secret says where it is set, never what it is'
        settings['entente.db.password'].value == '<redacted>'
        settings['entente.db.password'].source == 'file'
        settings['entente.db.password'].secret == true
        !r.out.contains('hunter2')
    }

    def "the table shows key, value and source"() {
        when:
        def r = TestHubs.cli(hub, 'config', 'show')

        then:
        r.code == 0
        r.out.readLines()[0] ==~ /KEY\s+VALUE\s+SOURCE/
        r.out.readLines().any { it ==~ /entente\.heartbeat\.interval\s+7s\s+env \(ENTENTE_HEARTBEAT_INTERVAL\)/ }
        r.out.readLines().any { it ==~ /entente\.db\.password\s+<redacted>\s+file \(.*entente\.yml\)/ }
        !r.out.contains('hunter2')
    }

    def "a password inside a JDBC URL is redacted, the rest of the URL kept"() {
        expect:
        EffectiveConfiguration.redact('entente.db.url', url) == shown

        where:
        url                                                     || shown
        'jdbc:postgresql://db:5432/entente?password=s3cret&ssl=true' || 'jdbc:postgresql://db:5432/entente?password=<redacted>&ssl=true'
        'jdbc:postgresql://entente:s3cret@db:5432/entente'     || 'jdbc:postgresql://entente:<redacted>@db:5432/entente'
        'jdbc:postgresql://db:5432/entente'                     || 'jdbc:postgresql://db:5432/entente'
    }

    def "only an admin reads it"() {
        given:
        def viewer = hub.bean(OperatorTokens).issue('spec-viewer', [Role.VIEWER] as Set, Duration.ofHours(1)).token()

        when:
        def r = TestHubs.cliAs(hub, viewer, 'config', 'show')

        then:
        r.code == 1
        r.problem.code == 'auth_role_forbidden'
    }
}
