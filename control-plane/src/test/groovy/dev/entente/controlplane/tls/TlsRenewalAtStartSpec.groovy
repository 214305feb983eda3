package dev.entente.controlplane.tls

import dev.entente.ca.tls.TlsState
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.HubProcesses
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.time.Instant

import static dev.entente.controlplane.doctor.DoctorFixture.doctor
import static dev.entente.controlplane.doctor.DoctorFixture.findings
import static dev.entente.controlplane.doctor.DoctorFixture.sql
import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 13, item 1: a hub started after its TLS certificate expired renews it before serving and
 * says so; a renewal that fails is retried, doctor names the cause and the command, and the
 * runbook's fix recovers.
 */
class TlsRenewalAtStartSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '3s',
                             'entente.sweep.interval': '1s']

    def "a hub started after its certificate expired replaces it before serving, says so, and the CLI works without a warning"() {
        given: 'a hub whose certificate expired while it was stopped (it ran with auto-renew off)'
        Path dir = Files.createTempDirectory('entente-renew-start')
        RunningHub first = TestHubs.start(dir, ['entente.tls.cert-validity': '2s', 'entente.tls.auto-renew': false])
        String expired = first.bean(TlsState).current().fingerprint()
        Instant notAfter = first.bean(TlsState).current().notAfter()
        first.stop()
        while (!Instant.now().isAfter(notAfter)) {
            sleep(100)
        }

        when: 'the operator starts it again with entente start'
        Process hub = HubProcesses.launch(dir)
        def health = HubProcesses.awaitHealthy(dir, hub)
        def status = HubProcesses.cli(dir, 'status')
        def info = HubProcesses.cli(dir, 'tls', 'info', '--output', 'json').json
        def events = HubProcesses.cli(dir, 'events', '--source', 'tls_renewal', '--output', 'json').json

        then: 'healthz is ok: the served certificate is new'
        health.status == 'ok'
        info.fingerprint != expired
        info.grace_fingerprints == [expired]

        and: 'the start output says what happened'
        HubProcesses.output(dir) =~ /tls renewed  certificate $expired expired at \S+; serving new certificate ${info.fingerprint}/

        and: 'so do the log and the audit'
        HubProcesses.output(dir).contains('TLS certificate renewal at start')
        events*.type == ['tls.rotated']
        events[0].subject == info.fingerprint
        events[0].details.automatic == true
        events[0].details.trigger == 'start'
        events[0].details.reason.startsWith('expired at ')

        and: 'the local CLI reaches the hub with no warning'
        status.code == 0
        !status.err.contains('warning')

        cleanup:
        HubProcesses.stop(hub)
    }

    def "a renewal that fails is retried, doctor names the cause and entente tls rotate, and the runbook's fix recovers"() {
        given: 'a hub with a 15-second certificate whose database refuses new TLS keys'
        RunningHub hub = TestHubs.start(Files.createTempDirectory('entente-renew-fail'),
                FAST + ['entente.sweep.interval': '2s', 'entente.tls.cert-validity': '15s'])
        String served = hub.bean(TlsState).current().fingerprint()
        sql(hub) {
            it.execute('''CREATE FUNCTION refuse_tls_key() RETURNS trigger AS $$
                          BEGIN RAISE EXCEPTION 'new TLS keys are refused by this database'; END $$ LANGUAGE plpgsql''')
            it.execute('''CREATE TRIGGER refuse_tls_key BEFORE INSERT ON sealed_keys FOR EACH ROW
                          WHEN (NEW.purpose = 'tls') EXECUTE FUNCTION refuse_tls_key()''')
        }

        when: 'two thirds of its lifetime pass'
        eventually(90) { findings(hub, 'DR023').size() == 1 }
        def dr020 = findings(hub, 'DR023')[0]

        then:
        dr020.severity == 'error'
        dr020.name == 'tls_renewal_failing'
        dr020.diagnosis.contains('new TLS keys are refused by this database')
        dr020.diagnosis =~ /\d+ attempts? in a row; next at /
        !(dr020.diagnosis =~ /\b(java|javax|org)\.[a-z]+\./)
        dr020.next_command == 'entente tls rotate'
        hub.bean(TlsState).current().fingerprint() == served

        and: 'retries back off: a few attempts, not one per interval'
        sleep(10000)
        def attempts = (findings(hub, 'DR023')[0].diagnosis =~ /(\d+) attempts? in a row/)[0][1] as int
        attempts < 6

        when: 'the cause is fixed and the runbook command is run'
        sql(hub) { it.execute('DROP TRIGGER refuse_tls_key ON sealed_keys') }
        def rotated = cli(hub, 'tls', 'rotate', '--output', 'json')

        then:
        rotated.code == 0
        rotated.json.fingerprint != served
        eventually(120) { findings(hub, 'DR023').isEmpty() }
        doctor(hub).findings.every { it.code != 'DR023' }

        cleanup:
        hub?.stop()
    }
}
