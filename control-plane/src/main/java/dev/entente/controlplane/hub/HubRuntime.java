package dev.entente.controlplane.hub;

import dev.entente.ca.anchor.AnchorKey;
import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.IssuedCertificateTable;
import dev.entente.controlplane.anchor.AnchoredAudit;
import dev.entente.controlplane.anchor.AuditAnchor;
import dev.entente.controlplane.anchor.AuditWitnessing;
import dev.entente.controlplane.approval.ApprovalActions;
import dev.entente.controlplane.approval.ApprovalGate;
import dev.entente.ca.authority.CsrPolicy;
import dev.entente.ca.authority.FederationCa;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.tls.HubTlsCertificates;
import dev.entente.ca.vault.StoredKey;
import dev.entente.controlplane.federation.CacheInvalidationListener;
import dev.entente.controlplane.federation.FederationAccessCache;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.federation.heartbeat.HeartbeatCoalescer;
import dev.entente.controlplane.federation.PeerAuthenticator;
import dev.entente.controlplane.anchor.AuditHeartbeatExtension;
import dev.entente.controlplane.federation.CrashPoints;
import dev.entente.controlplane.federation.HttpsPeerTransport;
import dev.entente.controlplane.federation.TlsLocalHub;
import dev.entente.federation.access.PeerAuthentication;
import dev.entente.federation.handshake.HandshakeAccepter;
import dev.entente.federation.handshake.HandshakeConfiguration;
import dev.entente.federation.handshake.HandshakeHook;
import dev.entente.federation.handshake.HandshakeProposer;
import dev.entente.federation.handshake.NodeKeys;
import dev.entente.federation.heartbeat.HeartbeatExtension;
import dev.entente.federation.heartbeat.HeartbeatReceiver;
import dev.entente.federation.heartbeat.HeartbeatSender;
import dev.entente.federation.heartbeat.OwnHeartbeat;
import dev.entente.federation.peer.HeartbeatDeliveries;
import dev.entente.federation.protocol.AccessInvalidation;
import dev.entente.federation.protocol.LocalHub;
import dev.entente.federation.renewal.Renewal;
import dev.entente.federation.renewal.RenewalPolicy;
import dev.entente.federation.handshake.AcceptanceTokens;
import dev.entente.federation.peer.PeerCredentials;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerLifecycleConfiguration;
import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.grant.GrantTable;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerTable;
import dev.entente.federation.peer.PeerRevocationHook;
import dev.entente.federation.resource.ResourceRepository;
import dev.entente.federation.resource.ResourceTable;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.VaultAuditKeyring;
import dev.entente.controlplane.metrics.HubMetrics;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.approval.ApprovalRepository;
import dev.entente.lifecycle.approval.ApprovalTable;
import dev.entente.lifecycle.db.Tx;
import io.micronaut.context.BeanLocator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Everything a running hub's HTTP layer needs, built once by {@link HubBootstrap} and registered
 * in the Micronaut context as a singleton. It holds handles, not state that matters: all state
 * is in PostgreSQL, so replicas behind one load balancer agree. The two exceptions are kept
 * exact or bounded: the {@link FederationAccessCache} (invalidated at commit, locally and by
 * NOTIFY) and the {@link HeartbeatCoalescer} (quiet heartbeats written within 250 ms).
 */
public final class HubRuntime {
    private final HubSettings settings;
    private final String hubId;
    private final String name;
    private final Instant startedAt;
    private final Clock clock;
    private final Tx tx;
    private final AuditLog audit;
    private final VaultAuditKeyring auditKeys;
    private final SealedKeyStore keys;
    private final OperatorTokens tokens;
    private final TlsState tls;
    private final HubMetrics metrics;
    private final EmbeddedDatabase embeddedDatabase;
    private final LifecycleEngine engine;
    private final FederationCa federationCa;
    private final CertificateAuthority authority;
    private final RotationLifecycle rotation;
    private final FederationService federation;
    private final PeerAuthenticator peerAuthenticator;
    private final ResourceRepository resources;
    private final GrantRepository grants;
    private final GrantLifecycle grantLifecycle;
    private final GrantAuthorizer grantAuthorizer;
    private final ApprovalGate approvals;
    private final FederationAccessCache accessCache = new FederationAccessCache();
    private final HeartbeatCoalescer heartbeats;
    private final CacheInvalidationListener cacheListener;
    private final AuditAnchor auditAnchor;
    private final AuditWitnessing auditWitnessing;
    private final AnchoredAudit anchoredAudit;
    private final ApprovalRepository approvalRepository;
    private volatile int boundPort;
    private volatile AutoCloseable dataSourceCloser;
    private volatile Runnable databaseLost = () -> { };

    HubRuntime(HubSettings settings, String hubId, String name, Clock clock, Tx tx, AuditLog audit, VaultAuditKeyring auditKeys,
               SealedKeyStore keys, OperatorTokens tokens, TlsState tls, EmbeddedDatabase embeddedDatabase,
               BeanLocator repositories) {
        this.settings = settings;
        this.hubId = hubId;
        this.name = name;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.tx = tx;
        this.audit = audit;
        this.auditKeys = auditKeys;
        this.keys = keys;
        this.tokens = tokens;
        this.tls = tls;
        this.embeddedDatabase = embeddedDatabase;
        this.engine = new LifecycleEngine(tx, audit, clock);
        // Peer, grant and CA rotation transitions committed here drop what they void from the
        // cache before the call that made them returns: "suspend, then the next call is refused".
        engine.onCommit(accessCache::committed);
        this.federationCa = FederationCa.loadOrCreate(tx, keys, hubId, settings.caAlgorithm(), clock);
        this.authority = new CertificateAuthority(tx, repositories.getBean(IssuedCertificateTable.class), federationCa,
                new CsrPolicy(), settings.nodeTtl(), audit, clock);
        this.rotation = new RotationLifecycle(engine, tx, federationCa, authority, clock);
        PeerRepository peers = new PeerRepository(tx, repositories.getBean(PeerTable.class));
        this.grants = new GrantRepository(tx, repositories.getBean(GrantTable.class), clock);
        this.grantLifecycle = new GrantLifecycle(engine, audit);
        this.grantAuthorizer = new GrantAuthorizer(grants, grantLifecycle, clock, accessCache);
        // Revoking a peer revokes, in the same transaction, the certificates this hub issued it
        // and its grants: nothing of the peer keeps working after the revoke commits.
        PeerRevocationHook certificates = (c, peerId, reason) ->
                authority.revokeAllForPeer(c, peerId.toString(), "peer revoked: " + reason);
        PeerLifecycle peerLifecycle = new PeerLifecycle(engine, certificates.andThen(grantLifecycle.peerRevocationHook()),
                new PeerLifecycleConfiguration(settings.staleAfter(), settings.drillMode()));
        StoredKey tokenKey = keys.active("jwt").orElseThrow();
        AcceptanceTokens acceptanceTokens = new AcceptanceTokens(hubId, tokenKey.id(),
                Certificates.privateKey("Ed25519", tokenKey.secret()),
                kid -> keys.byId(kid).filter(k -> k.purpose().equals("jwt"))
                        .map(k -> Certificates.publicKey("Ed25519", k.publicKey())).orElse(null),
                clock, settings.clockSkew());
        this.auditAnchor = new AuditAnchor(tx, audit, AnchorKey.loadOrCreate(tx, keys, hubId), settings.dataDir(), clock);
        this.auditWitnessing = new AuditWitnessing(tx, audit, auditAnchor, hubId, clock);
        this.heartbeats = new HeartbeatCoalescer(tx, peerLifecycle, settings.staleAfter(), accessCache::invalidatePeer, name);
        this.federation = federation(peers, peerLifecycle, acceptanceTokens);
        this.peerAuthenticator = new PeerAuthenticator(clock, authority, new PeerAuthentication(authority, peers), accessCache);
        this.resources = new ResourceRepository(tx, repositories.getBean(ResourceTable.class), accessCache::invalidateResource);
        this.approvalRepository = new ApprovalRepository(tx, repositories.getBean(ApprovalTable.class));
        this.approvals = ApprovalActions.gate(this);
        tls.clientCertificateRequest().acceptedIssuers(authority.trustedCertificates());
        this.metrics = new HubMetrics(this);
        this.boundPort = settings.port();
        this.cacheListener = new CacheInvalidationListener(tx.dataSource(), accessCache, name).start();
        this.anchoredAudit = new AnchoredAudit(tx, audit, auditAnchor, auditWitnessing);
    }

    /**
     * The federation protocol's classes (module {@code federation}), each given what it needs; the
     * shell adds the HTTPS transport, this hub's TLS identity, the audit anchor's heartbeat fields
     * and the access cache's invalidation.
     */
    private FederationService federation(PeerRepository peers, PeerLifecycle peerLifecycle, AcceptanceTokens acceptanceTokens) {
        LocalHub local = new TlsLocalHub(hubId, name, this::publicUrl, tls);
        HttpsPeerTransport transport = new HttpsPeerTransport();
        PeerCredentials credentials = new PeerCredentials(tx);
        NodeKeys nodeKeys = new NodeKeys(tx, keys);
        HeartbeatDeliveries deliveries = new HeartbeatDeliveries(peers, audit);
        HandshakeConfiguration handshake = new HandshakeConfiguration(settings.drillMode(), settings.clockSkew());
        HandshakeHook crashPoints = new CrashPoints();
        AccessInvalidation invalidation = new AccessInvalidation() {
            @Override
            public void peerChanged(java.util.UUID peerId) {
                accessCache.invalidatePeer(peerId);
            }

            @Override
            public void certificateSuperseded(String fingerprint) {
                accessCache.invalidateCertificate(fingerprint);
            }
        };
        HandshakeProposer proposer = new HandshakeProposer(local, peers, peerLifecycle, credentials, acceptanceTokens,
                authority, nodeKeys, audit, clock, handshake, crashPoints);
        HandshakeAccepter accepter = new HandshakeAccepter(local, peers, peerLifecycle, authority, nodeKeys, deliveries,
                transport, audit, clock, handshake, crashPoints);
        Renewal renewal = new Renewal(local, tx, credentials, authority, rotation, nodeKeys, transport, audit, invalidation);
        OwnHeartbeat own = new OwnHeartbeat(local, clock, () -> rotation.phase().value());
        HeartbeatExtension anchorFields = new AuditHeartbeatExtension(auditAnchor, auditWitnessing);
        HeartbeatSender sender = new HeartbeatSender(peers, accepter, nodeKeys, transport, deliveries, renewal, own, anchorFields);
        HeartbeatReceiver receiver = new HeartbeatReceiver(peerLifecycle, heartbeats, own,
                new RenewalPolicy(() -> federationCa.signingKey().fingerprint()), anchorFields, invalidation, clock);
        return new FederationService(local, peers, peerLifecycle, proposer, accepter, sender, receiver, renewal, nodeKeys,
                transport, clock);
    }

    /** This hub's signed audit head and its data-dir anchor file. */
    public AuditAnchor auditAnchor() {
        return auditAnchor;
    }

    /** Peers witnessing each other's audit heads over heartbeats. */
    public AuditWitnessing auditWitnessing() {
        return auditWitnessing;
    }

    /** {@code audit verify}: the chain against the heads anchored outside the database. */
    public AnchoredAudit anchoredAudit() {
        return anchoredAudit;
    }

    /** The federation API's in-memory authentication state (see its Javadoc for why it stays exact). */
    public FederationAccessCache accessCache() {
        return accessCache;
    }

    /** Quiet heartbeats waiting for their batched write. */
    public HeartbeatCoalescer heartbeats() {
        return heartbeats;
    }

    public HubSettings settings() {
        return settings;
    }

    public String hubId() {
        return hubId;
    }

    public String name() {
        return name;
    }

    public Clock clock() {
        return clock;
    }

    public Tx tx() {
        return tx;
    }

    public AuditLog audit() {
        return audit;
    }

    /** Applies lifecycle events to persisted entities (optimistic save + audit in one transaction). */
    public LifecycleEngine engine() {
        return engine;
    }

    public FederationCa federationCa() {
        return federationCa;
    }

    /** Issues, records and revokes node certificates under the federation CA. */
    public CertificateAuthority authority() {
        return authority;
    }

    public FederationService federation() {
        return federation;
    }

    /** The two-person rule: every sensitive action goes through it. */
    /** Stored approval requests. */
    public ApprovalRepository approvalRepository() {
        return approvalRepository;
    }

    public ApprovalGate approvals() {
        return approvals;
    }

    public GrantRepository grants() {
        return grants;
    }

    public GrantLifecycle grantLifecycle() {
        return grantLifecycle;
    }

    public GrantAuthorizer grantAuthorizer() {
        return grantAuthorizer;
    }

    public ResourceRepository resources() {
        return resources;
    }

    public PeerAuthenticator peerAuthenticator() {
        return peerAuthenticator;
    }

    public RotationLifecycle rotation() {
        return rotation;
    }

    public VaultAuditKeyring auditKeys() {
        return auditKeys;
    }

    public SealedKeyStore keys() {
        return keys;
    }

    public OperatorTokens tokens() {
        return tokens;
    }

    public TlsState tls() {
        return tls;
    }

    public HubMetrics metrics() {
        return metrics;
    }

    /** The embedded database, or null when the hub runs on {@code --db-url}. */
    public EmbeddedDatabase embeddedDatabase() {
        return embeddedDatabase;
    }

    public String databaseKind() {
        return embeddedDatabase == null ? "external" : "embedded";
    }

    public Duration uptime() {
        return Duration.between(startedAt, clock.instant());
    }

    public int boundPort() {
        return boundPort;
    }

    void boundPort(int port) {
        this.boundPort = port;
    }

    public String listening() {
        String bind = settings.bind();
        return (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + boundPort;
    }

    /** Run when the embedded database died and could not be started again: the hub must not stay half-alive. */
    public void onDatabaseLost(Runnable action) {
        this.databaseLost = action;
    }

    void databaseLost() {
        databaseLost.run();
    }

    void dataSourceCloser(AutoCloseable closer) {
        this.dataSourceCloser = closer;
    }

    /** Closes the pool, stops the embedded database if this hub runs one, releases the data dir. */
    public void closeDatabase() {
        // Buffered heartbeats are written while the pool is still open; the listener gives back
        // its connection before the pool closes.
        heartbeats.close();
        try {
            // The head the shutdown leaves (its last events) is anchored before the pool closes.
            auditAnchor.refresh();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(HubRuntime.class).warn("cannot anchor the audit head at shutdown: {}", e.toString());
        }
        cacheListener.close();
        AutoCloseable closer = dataSourceCloser;
        if (closer != null) {
            try {
                closer.close();
            } catch (Exception ignored) {
                // shutting down: the pool's own log says what failed
            }
        }
    }

    /** The hub TLS certificate store (rotation, grace). */
    public HubTlsCertificates tlsCertificates() {
        return new HubTlsCertificates(keys, settings.tlsCertValidity());
    }

    /**
     * Serves whatever key the database says is active. Another replica may have rotated, and
     * grace windows end with time: run after a rotation and periodically.
     */
    public void refreshTls() {
        HubTlsCertificates certs = tlsCertificates();
        tls.replace(certs.active(), certs.graceFingerprints(clock.instant(), settings.tlsRotationGrace()));
        tls.clientCertificateRequest().acceptedIssuers(authority.trustedCertificates());
    }

    public String publicUrl() {
        return settings.publicUrl(boundPort);
    }
}
