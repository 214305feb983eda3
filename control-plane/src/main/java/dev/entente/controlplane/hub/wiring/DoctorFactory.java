package dev.entente.controlplane.hub.wiring;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.anchor.AnchoredAudit;
import dev.entente.controlplane.doctor.DoctorContext;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.findings.FindingsScanner;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** What the doctor's checks read, and the governance scan that runs some of them on a schedule. */
@Factory
final class DoctorFactory {
    @Singleton
    DoctorContext doctorContext(HubIdentity identity, HubSettings settings, Clock clock, Tx tx, AuditLog audit, TlsState tls,
                                SealedKeyStore keys, FederationService federation, RotationLifecycle rotation,
                                AnchoredAudit anchoredAudit) {
        return new DoctorContext(identity, settings, clock, tx, audit, tls, keys, federation, rotation, anchoredAudit);
    }

    @Singleton
    FindingsScanner findingsScanner(DoctorContext doctor) {
        return new FindingsScanner(doctor);
    }
}
