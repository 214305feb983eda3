package dev.entente.federation.doctor;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.tls.TlsMode;
import dev.entente.ca.tls.TlsModes;
import dev.entente.ca.tls.TlsState;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The doctor's checks of the certificates the hub does not make: DR026 (custom files about to
 * run out with nothing newer in them) and DR027 (the last ACME order failed). In memory, so they
 * answer with the database down.
 */
public final class TlsModeChecks {
    /** As DR003's window: a month leaves time to have the organisation's CA issue a new certificate. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private final TlsModes modes;
    private final TlsState state;

    public TlsModeChecks(TlsModes modes, TlsState state) {
        this.modes = modes;
        this.state = state;
    }

    public List<DoctorCheck> all() {
        return List.of(Checks.of(DoctorCode.DR026, false, this::customExpiring), Checks.of(DoctorCode.DR027, false, this::acmeFailing));
    }

    /**
     * DR026: the served certificate expires within {@link #EXPIRY_WARNING} and the files hold
     * nothing that lasts longer (the same certificate, an older one, or a pair the hub cannot serve).
     */
    private List<Finding> customExpiring(Instant now) {
        TlsModes.FileState files = modes.files();
        if (modes.mode() != TlsMode.CUSTOM || files == null) {
            return List.of();
        }
        TlsKey served = state.current();
        if (!served.notAfter().isBefore(now.plus(EXPIRY_WARNING))) {
            return List.of();
        }
        if (files.certificate() != null && files.certificate().getNotAfter().toInstant().isAfter(served.notAfter())) {
            return List.of();
        }
        String cert = String.valueOf(modes.settings().certFile());
        String inFiles = files.certificate() == null
                ? "the files cannot be served (" + files.problem() + ")"
                : Certificates.fingerprint(files.certificate()).equals(served.fingerprint())
                ? cert + " still holds it"
                : cert + " holds " + Certificates.fingerprint(files.certificate()) + ", valid only until "
                + files.certificate().getNotAfter().toInstant();
        String when = served.notAfter().isAfter(now)
                ? "expires at " + served.notAfter() + ", in " + Checks.human(Duration.between(now, served.notAfter()))
                : "expired at " + served.notAfter();
        return List.of(Finding.of(DoctorCode.DR026, "the hub's custom TLS certificate " + when + " and " + inFiles
                + "; have your CA issue a new one, write it and its key over entente.tls.cert-file and "
                + "entente.tls.key-file, and send the hub SIGHUP", "entente tls info", served.fingerprint()));
    }

    /** DR027: the last ACME order failed, with the CA's problem document. */
    private List<Finding> acmeFailing(Instant now) {
        TlsModes.AcmeState acme = modes.acme();
        if (modes.mode() != TlsMode.ACME || acme == null || acme.failureType() == null) {
            return List.of();
        }
        TlsKey served = state.current();
        return List.of(Finding.of(DoctorCode.DR027, "the ACME order for the hub's certificate failed "
                + Checks.human(Duration.between(acme.failedAt(), now)) + " ago (" + acme.failures() + " in a row; next attempt at "
                + acme.nextAttempt() + "): " + acme.failureType() + ": " + acme.failureDetail()
                + "; the served certificate " + served.fingerprint() + " lasts until " + served.notAfter(),
                "entente tls info", acme.failureType()));
    }
}
