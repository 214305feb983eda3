package dev.entente.controlplane.hub.wiring;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.FederationCa;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.TokenKeyring;
import dev.entente.federation.anchor.AuditAnchor;
import dev.entente.federation.anchor.AuditHeartbeatExtension;
import dev.entente.federation.anchor.AuditWitnessing;
import dev.entente.federation.access.AccessCacheWarmUp;
import dev.entente.federation.access.CacheInvalidationListener;
import dev.entente.controlplane.federation.CrashPoints;
import dev.entente.federation.access.FederationAccessCache;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.federation.HttpsPeerTransport;
import dev.entente.controlplane.federation.PeerConnections;
import dev.entente.federation.access.PeerAuthenticator;
import dev.entente.controlplane.federation.TlsLocalHub;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.ca.tls.TlsState;
import dev.entente.federation.access.PeerAuthentication;
import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.federation.handshake.AcceptanceTokens;
import dev.entente.federation.handshake.HandshakeAccepter;
import dev.entente.federation.handshake.HandshakeConfiguration;
import dev.entente.federation.handshake.HandshakeHook;
import dev.entente.federation.handshake.HandshakeProposer;
import dev.entente.federation.handshake.NodeKeys;
import dev.entente.federation.heartbeat.HeartbeatCoalescer;
import dev.entente.federation.heartbeat.HeartbeatExtension;
import dev.entente.federation.heartbeat.HeartbeatReceiver;
import dev.entente.federation.heartbeat.HeartbeatSender;
import dev.entente.federation.heartbeat.RestartPacing;
import dev.entente.federation.heartbeat.PeerClocks;
import dev.entente.federation.heartbeat.OwnHeartbeat;
import dev.entente.federation.peer.HeartbeatDeliveries;
import dev.entente.federation.peer.PeerCredentials;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerLifecycleConfiguration;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerRevocationHook;
import dev.entente.federation.protocol.AccessInvalidation;
import dev.entente.federation.protocol.LocalHub;
import dev.entente.federation.reenrol.Reenrolment;
import dev.entente.federation.reenrol.ReenrolmentTokens;
import dev.entente.federation.renewal.Renewal;
import dev.entente.federation.token.SingleUseTokens;
import dev.entente.federation.token.TokenInspector;
import dev.entente.federation.renewal.RenewalPolicy;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.federation.peer.PeerTable;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The federation protocol's classes (module {@code federation}), each given what it needs; the
 * shell adds the HTTPS transport, this hub's TLS identity, the audit anchor's heartbeat fields
 * and the access cache's invalidation.
 */
@Factory
final class FederationFactory {
    /** The federation API's in-memory authentication state (see its Javadoc for why it stays exact). */
    @Singleton
    FederationAccessCache accessCache() {
        return new FederationAccessCache();
    }

    /**
     * Started at once: other replicas' changes must reach the cache (and the other subscribers,
     * such as the revoked operator tokens) from the first request on.
     */
    @Singleton
    CacheInvalidationListener cacheListener(Tx tx, FederationAccessCache accessCache, HubIdentity hub,
                                            List<CacheInvalidationListener.Subscriber> subscribers) {
        return new CacheInvalidationListener(tx.dataSource(), accessCache, hub.name(), subscribers).start();
    }

    @Singleton
    PeerRepository peers(Tx tx, PeerTable rows) {
        return new PeerRepository(tx, rows);
    }

    @Singleton
    PeerLifecycle peerLifecycle(LifecycleEngine engine, CertificateAuthority authority, GrantLifecycle grants,
                                HubSettings settings) {
        // Revoking a peer revokes, in the same transaction, the certificates this hub issued it
        // and its grants: nothing of the peer keeps working after the revoke commits.
        PeerRevocationHook certificates = (c, peerId, reason) ->
                authority.revokeAllForPeer(c, peerId.toString(), "peer revoked: " + reason);
        return new PeerLifecycle(engine, certificates.andThen(grants.peerRevocationHook()),
                new PeerLifecycleConfiguration(settings.staleAfter(), settings.drillMode()));
    }

    @Singleton
    AcceptanceTokens acceptanceTokens(HubIdentity hub, TokenKeyring keys, Clock clock, HubSettings settings) {
        return new AcceptanceTokens(singleUseTokens(AcceptanceTokens.AUDIENCE, false, hub, keys, clock, settings));
    }

    @Singleton
    ReenrolmentTokens reenrolmentTokens(HubIdentity hub, TokenKeyring keys, Clock clock, HubSettings settings) {
        return new ReenrolmentTokens(singleUseTokens(ReenrolmentTokens.AUDIENCE, true, hub, keys, clock, settings));
    }

    /**
     * Both kinds sign with the hub's current token-signing key and verify under any of its keys not
     * retired; a token of a retired key is refused as such.
     */
    private static SingleUseTokens singleUseTokens(String audience, boolean bound, HubIdentity hub, TokenKeyring keys,
                                                   Clock clock, HubSettings settings) {
        return new SingleUseTokens(audience, bound, hub.hubId(), keys, clock, settings.clockSkew());
    }

    /** Reads both kinds of token, and says of this hub's whether their key is current, earlier or retired. */
    @Singleton
    TokenInspector tokenInspector(HubIdentity hub, TlsState tls, TokenKeyring keys, PeerRepository peers,
                                  AcceptanceTokens acceptanceTokens, ReenrolmentTokens reenrolmentTokens, AuditLog audit,
                                  Clock clock) {
        return new TokenInspector(new TlsLocalHub(hub.hubId(), hub.name(), hub::publicUrl, tls), peers,
                List.of(acceptanceTokens, reenrolmentTokens), keys, audit, clock);
    }

    /** Quiet heartbeats waiting for their batched write; flushed by {@link DatabaseDrain} at shutdown. */
    @Singleton
    HeartbeatCoalescer heartbeats(Tx tx, PeerLifecycle peerLifecycle, HubSettings settings,
                                  FederationAccessCache accessCache, HubIdentity hub) {
        return new HeartbeatCoalescer(tx, peerLifecycle, settings.staleAfter(), accessCache::invalidatePeer, hub.name());
    }

    @Singleton
    PeerAuthenticator peerAuthenticator(Clock clock, CertificateAuthority authority, PeerRepository peers,
                                        FederationAccessCache accessCache) {
        return new PeerAuthenticator(clock, authority, new PeerAuthentication(authority, peers), accessCache);
    }

    /** Fills the access cache with every linked peer's certificate when the invalidation listener connects. */
    @Singleton
    AccessCacheWarmUp accessCacheWarmUp(PeerAuthenticator authenticator) {
        return new AccessCacheWarmUp(authenticator);
    }

    /**
     * Answers older than five heartbeat intervals (a minute at least, as a loaded hub's rounds
     * run late) no longer count: that peer stopped answering.
     */
    @Singleton
    PeerClocks peerClocks(Clock clock, HubSettings settings) {
        Duration fiveRounds = settings.heartbeatInterval().multipliedBy(5);
        return new PeerClocks(clock, fiveRounds.compareTo(Duration.ofMinutes(1)) > 0 ? fiveRounds : Duration.ofMinutes(1));
    }

    /** The kept-alive connections the hub's heartbeats ride, closed with the hub. */
    @Singleton
    @Bean(preDestroy = "close")
    PeerConnections peerConnections(Clock clock) {
        return new PeerConnections(clock);
    }

    @Singleton
    FederationService federation(PeerConnections connections, HubIdentity hub, TlsState tls, Tx tx, SealedKeyStore keys, AuditLog audit, Clock clock,
                                 HubSettings settings, PeerRepository peers, PeerLifecycle peerLifecycle,
                                 AcceptanceTokens acceptanceTokens, ReenrolmentTokens reenrolmentTokens,
                                 CertificateAuthority authority, FederationCa federationCa,
                                 RotationLifecycle rotation, HeartbeatCoalescer heartbeats, FederationAccessCache accessCache,
                                 AuditAnchor auditAnchor, AuditWitnessing auditWitnessing,
                                 PeerClocks peerClocks) {
        LocalHub local = new TlsLocalHub(hub.hubId(), hub.name(), hub::publicUrl, tls);
        HttpsPeerTransport transport = new HttpsPeerTransport(clock, connections);
        PeerCredentials credentials = new PeerCredentials(tx);
        NodeKeys nodeKeys = new NodeKeys(tx, keys);
        HeartbeatDeliveries deliveries = new HeartbeatDeliveries(peers, audit);
        HandshakeConfiguration handshake = new HandshakeConfiguration(settings.drillMode(), settings.clockSkew());
        HandshakeHook crashPoints = new CrashPoints();
        AccessInvalidation invalidation = new AccessInvalidation() {
            @Override
            public void peerChanged(UUID peerId) {
                accessCache.invalidatePeer(peerId);
            }

            @Override
            public void certificateSuperseded(String fingerprint) {
                accessCache.invalidateCertificate(fingerprint);
            }
        };
        HandshakeProposer proposer = new HandshakeProposer(local, peers, peerLifecycle, credentials, acceptanceTokens,
                authority, nodeKeys, transport, audit, clock, handshake, crashPoints);
        HandshakeAccepter accepter = new HandshakeAccepter(local, peers, peerLifecycle, authority, nodeKeys, deliveries,
                transport, audit, clock, handshake, crashPoints);
        Renewal renewal = new Renewal(local, tx, credentials, authority, rotation, nodeKeys, transport, audit, invalidation);
        OwnHeartbeat own = new OwnHeartbeat(local, clock, () -> rotation.phase().value());
        HeartbeatExtension<?, ?> anchorFields = new AuditHeartbeatExtension(auditAnchor, auditWitnessing);
        // Read before the server listens: after a start the column soon holds the returning peers' heartbeats.
        RestartPacing pacing = new RestartPacing(clock.instant(), peers.latestHeartbeat(), settings.heartbeatInterval(),
                settings.staleAfter());
        HeartbeatSender sender = new HeartbeatSender(peers, accepter, nodeKeys, transport, deliveries, renewal, own, anchorFields,
                peerClocks, pacing);
        HeartbeatReceiver receiver = new HeartbeatReceiver(peerLifecycle, heartbeats, own,
                new RenewalPolicy(() -> federationCa.signingKey().fingerprint()), anchorFields, invalidation, clock);
        Reenrolment reenrolment = new Reenrolment(local, peers, credentials, authority, nodeKeys, reenrolmentTokens,
                transport, transport, audit, invalidation, clock, settings.clockSkew());
        return new FederationService(local, peers, peerLifecycle, proposer, accepter, sender, receiver, renewal,
                reenrolment, nodeKeys, transport, clock);
    }
}
