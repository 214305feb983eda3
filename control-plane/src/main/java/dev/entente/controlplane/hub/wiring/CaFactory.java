package dev.entente.controlplane.hub.wiring;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.CsrPolicy;
import dev.entente.ca.authority.FederationCa;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.vault.Pkcs11Token;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.ca.authority.IssuedCertificateTable;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The federation CA, the authority issuing node certificates under it, and its rotation. */
@Factory
final class CaFactory {
    @Singleton
    FederationCa federationCa(Tx tx, SealedKeyStore keys, HubIdentity hub, HubSettings settings, Clock clock,
                              @Nullable Pkcs11Token token) {
        return FederationCa.loadOrCreate(tx, keys, hub.hubId(), settings.caAlgorithm(), clock, token);
    }

    @Singleton
    CertificateAuthority authority(Tx tx, IssuedCertificateTable issued, FederationCa ca, HubSettings settings, AuditLog audit,
                                   Clock clock) {
        return new CertificateAuthority(tx, issued, ca, new CsrPolicy(), settings.nodeTtl(), audit, clock);
    }

    @Singleton
    RotationLifecycle rotation(LifecycleEngine engine, Tx tx, FederationCa ca, CertificateAuthority authority, Clock clock) {
        return new RotationLifecycle(engine, tx, ca, authority, clock);
    }
}
