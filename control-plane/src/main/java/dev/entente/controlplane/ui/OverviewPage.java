package dev.entente.controlplane.ui;

import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.controlplane.api.health.HealthProbe;
import dev.entente.controlplane.api.health.HealthReason;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.ca.tls.TlsState;
import dev.entente.federation.doctor.Doctor;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.DoctorRunbook;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.PublicCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Produces;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The console's first page: who this hub is, the certificate it serves, what {@code /healthz}
 * reports and what {@code entente doctor} finds, each finding linked to its runbook section; and
 * the runbook sections themselves, as {@code entente doctor --explain} prints them.
 */
@Controller(ConsoleView.HOME)
@Produces(MediaType.TEXT_HTML)
public class OverviewPage {
    private final ConsoleView view;
    private final HubIdentity hub;
    private final TlsState tls;
    private final HealthProbe health;
    private final Doctor doctor;
    private final PeerRepository peers;
    private final Clock clock;

    public OverviewPage(ConsoleView view, HubIdentity hub, TlsState tls, HealthProbe health, Doctor doctor, PeerRepository peers,
                        Clock clock) {
        this.view = view;
        this.hub = hub;
        this.tls = tls;
        this.health = health;
        this.doctor = doctor;
        this.peers = peers;
        this.clock = clock;
    }

    /** A doctor finding as the page lists it. */
    public record FindingRow(String code, String name, String severity, String diagnosis, String nextCommand, String subject,
                             String runbookLink) {
    }

    @Get
    public HttpResponse<?> overview(HttpRequest<?> request) {
        Instant now = clock.instant();
        TlsKey served = tls.current();
        Map<String, Object> model = view.model(request, "overview");
        model.put("publicUrl", hub.publicUrl());
        model.put("listening", hub.listening());
        model.put("uptime", Ages.age(hub.uptime()));
        model.put("fingerprint", served.fingerprint());
        model.put("tlsNotAfter", served.notAfter().toString());
        model.put("tlsExpiresIn", Ages.age(Duration.between(now, served.notAfter())));
        List<HealthReason> reasons = health.reasons();
        model.put("healthy", reasons.isEmpty());
        model.put("reasons", reasons.stream().map(HealthReason::code).toList());
        List<FindingRow> findings = doctor.run(now).findings().stream().map(f -> new FindingRow(f.code().code(), f.name(),
                f.severity().value(), f.diagnosis(), f.nextCommand(), f.subject(), ConsoleView.runbookLink(f.code().code()))).toList();
        model.put("findings", findings);
        Map<String, Integer> byState = new TreeMap<>();
        try {
            for (Peer p : peers.list()) {
                byState.merge(p.state().value(), 1, Integer::sum);
            }
        } catch (EntenteException | IllegalStateException databaseDown) {
            // the doctor's DR001 finding says so; the rest of the page still shows what it can
        }
        model.put("peerCounts", byState);
        return view.page(request, "overview", model);
    }

    /** A doctor code's or an error code's runbook section. */
    @Get("/runbook/{code}")
    public HttpResponse<?> runbook(HttpRequest<?> request, @PathVariable String code) {
        PublicCode found = DoctorCode.find(code.toUpperCase(Locale.ROOT));
        if (found == null) {
            found = ErrorCode.byCode(code.toLowerCase(Locale.ROOT)).orElse(null);
        }
        if (found == null) {
            return view.failure(request, new EntenteException(ErrorCode.NOT_FOUND, "no doctor or error code " + code));
        }
        PublicCode shown = found;
        String section = DoctorRunbook.section(found).orElse(null);
        if (section == null) {
            return view.failure(request, new EntenteException(ErrorCode.INTERNAL_ERROR, "the runbook section "
                    + DoctorRunbook.anchor(shown) + " is not bundled in this build"));
        }
        Map<String, Object> model = view.model(request, "runbook");
        model.put("code", found.code());
        model.put("title", found.title());
        model.put("anchor", DoctorRunbook.anchor(found));
        model.put("section", section);
        return view.page(request, "runbook", model);
    }
}
