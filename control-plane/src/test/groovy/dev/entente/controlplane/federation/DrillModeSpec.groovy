package dev.entente.controlplane.federation

import dev.entente.lifecycle.db.Tx
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import groovy.json.JsonSlurper
import groovy.sql.Sql
import spock.lang.Specification

import java.nio.file.Files

/** entente.federation.drill-mode: off by default; when on, it says so, and proposed peers keep no token digest. */
class DrillModeSpec extends Specification {

    def "a drill-mode hub warns in status, stores no digest, and still links"() {
        given:
        def a = TestHubs.start(Files.createTempDirectory('drill-a'), ['entente.hub.name': 'hub-a', 'entente.federation.drill-mode': true])
        def b = TestHubs.start(Files.createTempDirectory('drill-b'), ['entente.hub.name': 'hub-b'])

        when:
        def status = HubHttp.get(a.url() + '/api/v1/status', TestHubs.adminToken(a)).json
        def normal = HubHttp.get(b.url() + '/api/v1/status', TestHubs.adminToken(b)).json
        def proposal = run(a, 'peers', 'propose', '--name', 'hub-b')
        def sql = Sql.newInstance(a.bean(Tx).dataSource())
        def row = sql.firstRow('SELECT token_digest, token_jti FROM peers WHERE id = ?::uuid', [proposal.peer.id])
        sql.close()
        def accepted = run(b, 'peers', 'accept', '--token', proposal.acceptance_token)

        then:
        status.drill_mode == true
        status.warnings.any { it.contains('drill mode') }
        normal.drill_mode == false
        normal.warnings == []
        row.token_digest == null
        row.token_jti != null
        accepted.peer.hub_id == a.hubId()

        cleanup:
        b?.stop()
        a?.stop()
    }

    private static Map run(def hub, String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(((args as List) + ['--output', 'json', '--data-dir', hub.settings().dataDir().toString()]) as String[],
                [:], new PrintWriter(out), new PrintWriter(err))
        assert code == 0: err.toString()
        new JsonSlurper().parseText(out.toString()) as Map
    }
}
