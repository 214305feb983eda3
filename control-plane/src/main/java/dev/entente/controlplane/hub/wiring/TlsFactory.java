package dev.entente.controlplane.hub.wiring;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.tls.HubTls;
import dev.entente.ca.tls.TlsModeSettings;
import dev.entente.ca.tls.TlsModes;
import dev.entente.ca.tls.TlsState;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.config.AcmeConfiguration;
import dev.entente.controlplane.config.TlsConfiguration;
import dev.entente.controlplane.hub.HubBootstrap;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.tls.HangupSignal;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.renewal.TlsRenewal;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/**
 * The hub's TLS certificate lifecycle: what {@code ca} serves in each mode and keeps in step with
 * the database, and the renewal {@code federation} announces to peers before it is served. The
 * listener's side (key manager, SIGHUP) is the shell's, handed in here.
 */
@Factory
final class TlsFactory {
    @Singleton
    TlsModeSettings tlsModeSettings(TlsConfiguration tls, AcmeConfiguration acme) {
        return tls.modeSettings(acme);
    }

    @Singleton
    HubTls hubTls(SealedKeyStore keys, TlsState state, CertificateAuthority authority, Clock clock, HubSettings settings) {
        return new HubTls(keys, state, authority, clock, settings.tlsCertValidity(), settings.tlsRotationGrace());
    }

    /** A renewal that changed what is served rewrites the files the local CLI pins from. */
    @Singleton
    TlsRenewal tlsRenewal(HubTls hubTls, TlsState state, Tx tx, AuditLog audit, PeerRepository peers, HubIdentity hub,
                          HubSettings settings, TlsModeSettings modes) {
        return new TlsRenewal(hubTls, state, tx, audit, peers, new TlsRenewal.Settings(hub.hubId(), settings.subjectAltNames(),
                settings.heartbeatInterval(), settings.tlsRotationGrace(), modes.mode()),
                () -> HubBootstrap.writeLocalFiles(settings, hub, state));
    }

    @Singleton
    @Bean(preDestroy = "close")
    TlsModes tlsModes(TlsModeSettings modes, HubSettings settings, HubTls hubTls, TlsState state, TlsRenewal renewal,
                      SealedKeyStore keys, Tx tx, Clock clock) {
        return new TlsModes(modes, settings.name(), hubTls, state, renewal, HangupSignal.INSTANCE, keys, tx, clock);
    }
}
