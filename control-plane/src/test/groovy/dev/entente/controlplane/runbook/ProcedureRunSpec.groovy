package dev.entente.controlplane.runbook

import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.docs.RunbookSpec
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.time.Duration

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 18, "runbook sections for each, with their commands run by a spec": the procedures an
 * operator follows while the hub runs (changing and renewing a partner's grant, pausing automation
 * during a repair, the emergency revoke path, reading a token someone handed over) are taken from
 * the runbooks' markdown and run, command by command, with the real CLI against two linked hubs;
 * after each step the hub must be in the state the runbook promises. The diagnosis sections that
 * go with them (DR024, DR025) have their Confirm commands run while their condition holds.
 */
@Stepwise
class ProcedureRunSpec extends Specification {
    @Shared MutableClock clockA = new MutableClock()
    @Shared MutableClock clockB = new MutableClock()
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared Map<String, String> ids = [:]
    @Shared Map<String, String> operators = [:]

    def setupSpec() {
        a = start('hub-a', clockA, FAST + ['entente.approvals.policy.peer.revoke': 'require_approval'])
        b = start('hub-b', clockB, FAST)
        Map proposed = null
        eventually(120) { (proposed = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json')).code == 0 }
        ids['<peer-id>'] = proposed.json.peer.id
        assert cli(b, 'peers', 'accept', '--token', proposed.json.acceptance_token).code == 0
        eventually(60) { state(a, ids['<peer-id>']) == 'active' }
        def grant = cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--instances', 'i-1',
                '--expires-in', '3d', '--output', 'json')
        assert grant.code == 0: grant.err
        ids['<grant-id>'] = grant.json.grant.id
        // Two people: alice (an admin) changes policies, bob approves; neither minted the other's token.
        [alice: 'admin', bob: 'approver'].each { who, role ->
            operators[who] = cli(a, 'operators', 'token', 'issue', '--for', who, '--role', role, '--output', 'json').json.token
        }
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "Changing a grant's scope: the first update moves the grant to instance i-2, same id"() {
        given:
        List<String> steps = commands("Changing a grant's scope")

        when:
        def moved = run(a, steps.find { it.contains('--instances i-2') })

        then:
        moved.code == 0
        grant().instance_ids == ['i-2']
        grant().id == ids['<grant-id>']

        when: 'the second widens it to write and two networks'
        def widened = run(a, steps.find { it.contains('--scopes read,write') })

        then: 'done at once, or waiting for a second operator under grant.issue.write'
        widened.code == 0
        widened.out.contains('"approval"') || grant().permission_scopes.contains('write')
    }

    def "Renewing a partner's grant: a new term, then auto-renewal, shown in grants list"() {
        given:
        List<String> steps = commands("Renewing a partner's grant")
        String before = grant().expires_at

        when:
        List<Map> runs = steps.findAll { it.startsWith('entente grants ') }.collect { run(a, it) }

        then:
        runs.every { it.code == 0 }
        grant().expires_at != before
        grant().auto_renew == true
        cli(a, 'grants', 'list', '--output', 'json').json.find { it.id == ids['<grant-id>'] }.renews.startsWith('auto until')
    }

    def "Pausing automation during a repair: a paused sweep leaves a silent peer active, DR025 says so, resuming lets it go degraded"() {
        given:
        List<String> steps = fenced('Pausing automation during a repair')

        when: 'the job names, the pause, the status'
        List<Map> paused = steps.takeWhile { !it.startsWith('entente worker resume') }.collect { run(a, it) }
        b.stop()
        Thread.sleep(6000) // twice stale-after: the sweep would have marked B by now

        then:
        paused.every { it.code == 0 }
        paused.find { it.line.startsWith('entente worker pauses') }.out.contains('stale_sweep')
        paused.find { it.line.startsWith('entente status') }.out.contains('stale_sweep')
        state(a, ids['<peer-id>']) == 'active'

        when: "DR025's Confirm commands"
        List<Map> confirm = confirmOf('DR025').collect { run(a, it) }

        then:
        confirm.every { it.code == 0 }
        confirm.collect { it.out }.join('\n').contains('re-linking hub-b')
        !findings(a, 'DR025').isEmpty()

        when: 'resumed, as the runbook does it'
        List<Map> resumed = steps.dropWhile { !it.startsWith('entente worker resume') }
                .findAll { it.startsWith('entente worker resume') || it.startsWith('entente events') }.collect { run(a, it) }

        then:
        resumed.every { it.code == 0 }
        eventually(30) { state(a, ids['<peer-id>']) == 'degraded' }
        findings(a, 'DR025').isEmpty()
    }

    def "Emergency revoke path: lowering peer.revoke is approved once, the revoke runs at once, the policy reverts by itself"() {
        given:
        List<String> steps = commands('Emergency revoke path')

        when: 'alice lowers the policy: a request, since peer.revoke requires approval'
        def lowered = run(a, steps.find { it.startsWith('entente approvals policy set peer.revoke auto') }, operators['alice'])
        ids['<approval-id>'] = cli(a, 'approvals', 'list', '--output', 'json').json.find { it.action == 'approval_policy.set' }.id
        def approved = run(a, steps.find { it.startsWith('entente approvals approve') }, operators['bob'])

        then:
        lowered.code == 0
        approved.code == 0

        when: 'the revoke and the list'
        def revoked = run(a, steps.find { it.startsWith('entente peers revoke') })
        def listed = run(a, steps.find { it == 'entente approvals policy list' })

        then: 'the revoke ran at once, and the list and DR024 say the policy is lowered'
        revoked.code == 0
        state(a, ids['<peer-id>']) == 'revoked'
        listed.out.contains('peer.revoke')
        confirmOf('DR024').collect { run(a, it) }.every { it.code == 0 }
        !findings(a, 'DR024').isEmpty()

        when: 'its 30 minutes pass'
        clockA.advance(Duration.ofMinutes(31))

        then: 'it reverts by itself, and the events say so'
        eventually(30) { findings(a, 'DR024').isEmpty() }
        eventually(90) { run(a, steps.find { it.startsWith('entente events --type approval_policy.reverted') }).out.contains('peer.revoke') }
    }

    def "reading_a_token: a token decodes without being used, on the hub that issued it"() {
        given:
        def proposed = cli(a, 'peers', 'propose', '--name', 'hub-z', '--output', 'json')
        ids["'eyJhbGciOiJFZERTQSJ9...'"] = proposed.json.acceptance_token

        when:
        List<Map> runs = commands('reading_a_token').findAll { it.startsWith('entente peers token decode') }.collect { run(a, it) }

        then:
        runs.size() == 2
        runs.every { it.code == 0 }
        runs[1].out.contains('"usable"')
        cli(a, 'peers', 'show', 'hub-z', '--output', 'json').json.state == 'proposed'
    }

    // ---- running runbook commands ----

    static List<String> commands(String section) {
        String text = RunbookSpec.section(section)
        assert text != null: "no section $section in the runbooks"
        RunbookSpec.commandsIn(text.readLines())
    }

    /** The commands of a section's code blocks, in order: a procedure's steps (inline mentions left out). */
    static List<String> fenced(String section) {
        String text = RunbookSpec.section(section)
        assert text != null: "no section $section in the runbooks"
        List<String> lines = []
        boolean inBlock = false
        text.readLines().each { String l ->
            if (l.trim().startsWith('```')) {
                inBlock = !inBlock
            } else if (inBlock && l.trim().startsWith('entente ')) {
                lines << l.trim()
            }
        }
        lines
    }

    static List<String> confirmOf(String section) {
        RunbookSpec.commandsIn(RunbookSpec.part(RunbookSpec.section(section), 'Confirm').readLines())
    }

    /** One runbook line on {@code hub}'s machine, placeholders filled, as the admin or the holder of {@code token}. */
    Map run(RunningHub hub, String line, String token = null) {
        assert line != null: 'the runbook no longer shows this step'
        String filled = ids.inject(line) { String t, k, v -> t.replace(k, v) }
        assert !(filled =~ /<[a-z0-9 -]+>/): "unfilled placeholder in: $filled"
        List<String> args = RunbookSpec.tokens(filled).drop(1) + ['--data-dir', hub.settings().dataDir().toString()]
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(args as String[], token == null ? [:] : [ENTENTE_TOKEN: token], new PrintWriter(out),
                new PrintWriter(err))
        [line: filled, code: code, out: out.toString(), err: err.toString()]
    }

    private Map grant() {
        cli(a, 'grants', 'show', ids['<grant-id>'], '--output', 'json').json
    }

    private static String state(RunningHub hub, String id) {
        cli(hub, 'peers', 'show', id, '--output', 'json').json.state
    }
}
