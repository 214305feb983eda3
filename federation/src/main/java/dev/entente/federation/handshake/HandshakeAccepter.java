package dev.entente.federation.handshake;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.ca.crypto.Certificates;
import dev.entente.federation.peer.HeartbeatDeliveries;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.protocol.FederationProtocol;
import dev.entente.federation.protocol.HandshakeAccept;
import dev.entente.federation.protocol.HandshakeAcceptAnswer;
import dev.entente.federation.protocol.HandshakeComplete;
import dev.entente.federation.protocol.LocalHub;
import dev.entente.federation.protocol.PeerEndpoint;
import dev.entente.federation.protocol.PeerTransport;
import dev.entente.federation.token.TokenClaims;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The accepting hub's side of the handshake (DESIGN §4, hub B): {@code peers accept TOKEN} runs
 * step 2 against the proposer and sends step 3; the heartbeat sender repeats step 3 through
 * {@link #complete} until the proposer has it.
 */
public final class HandshakeAccepter {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeAccepter.class);

    private final LocalHub hub;
    private final PeerRepository peers;
    private final PeerLifecycle lifecycle;
    private final CertificateAuthority authority;
    private final NodeKeys nodeKeys;
    private final HeartbeatDeliveries deliveries;
    private final PeerTransport transport;
    private final AuditLog audit;
    private final Clock clock;
    private final HandshakeConfiguration config;
    private final HandshakeHook hook;

    public HandshakeAccepter(LocalHub hub, PeerRepository peers, PeerLifecycle lifecycle, CertificateAuthority authority,
                             NodeKeys nodeKeys, HeartbeatDeliveries deliveries, PeerTransport transport, AuditLog audit,
                             Clock clock, HandshakeConfiguration config, HandshakeHook hook) {
        this.hub = hub;
        this.peers = peers;
        this.lifecycle = lifecycle;
        this.authority = authority;
        this.nodeKeys = nodeKeys;
        this.deliveries = deliveries;
        this.transport = transport;
        this.audit = audit;
        this.clock = clock;
        this.config = config;
        this.hook = hook;
    }

    /**
     * The accepter's side: read the token (without being able to verify it), connect to the
     * proposer pinning the token's fingerprint, exchange CSRs, record the proposer as a peer and
     * enroll it, then complete over mTLS with the new node certificate.
     */
    public Peer accept(String token, String name, String operator) {
        TokenClaims claims = AcceptanceTokens.read(token, clock.instant(), config.clockSkew());
        if (claims.issuer().equals(hub.hubId())) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "this token was issued by this very hub; accept it on the other hub");
        }
        Optional<Peer> existing = peers.findByHubId(claims.issuer());
        // A peer of ours for this hub still in accepted is an accept of ours that a crash cut
        // short (issue 11): it can never finish, so this accept replaces it once the proposer
        // answered. A peer that got further is a link: the operator decides, by revoking it.
        Optional<Peer> unfinished = existing.filter(Peer::isUnfinishedAccept);
        if (existing.isPresent() && existing.get().blocksNewAccept()) {
            throw new EntenteException(ErrorCode.PEER_HUB_ID_TAKEN, "hub " + claims.issuer() + " is already peer "
                    + existing.get().id() + " (" + existing.get().state().value() + "); revoke it first to link again");
        }
        // Sealed before the proposer sees it: an accept a crash cuts short is retried with this key.
        KeyPair nodeKey = nodeKeys.pendingFor(claims.issuer());
        hook.reached(HandshakeStep.B_BEFORE_ACCEPT);
        HandshakeAccept request = new HandshakeAccept(FederationProtocol.VERSION, token, hub.hubId(), hub.name(),
                hub.publicUrl(), hub.tlsFingerprint(), Certificates.csr(nodeKey, hub.hubId()));
        HandshakeAcceptAnswer answer;
        try {
            answer = transport.accept(PeerEndpoint.anonymous(claims.url(), claims.tlsFingerprint()), request);
        } catch (EntenteException e) {
            // The proposer could not call us back: our public URL is what the operator must fix
            // here, so the failure keeps that code rather than the generic handshake_rejected.
            if (ErrorCode.HANDSHAKE_RETURN_PATH_FAILED.code().equals(e.extensions().get("remote_code"))) {
                throw new EntenteException(ErrorCode.HANDSHAKE_RETURN_PATH_FAILED, e.detail(), e.extensions(), e);
            }
            throw e;
        }
        String nodeCertPem = answer.nodeCert();
        X509Certificate nodeCert = answer.nodeCertificateFor(nodeKey.getPublic(), claims.issuer(), "proposing hub");
        hook.reached(HandshakeStep.B_ANSWER_RECEIVED);
        if (unfinished.isPresent()) {
            lifecycle.revoke(unfinished.get().id(), operator, "superseded by a new accept of hub " + claims.issuer()
                    + ": the earlier accept never completed");
        }
        String peerName = name != null ? name : suggestName(answer.name() == null ? "" : answer.name(), claims.issuer());
        PeerRepository.validateName(peerName);
        byte[] remoteCsr = (answer.csr() == null ? "" : answer.csr()).getBytes(StandardCharsets.US_ASCII);
        Peer created = peers.tx().inTransaction(c -> {
            Peer p = peers.createAccepted(c, peerName, claims.issuer(), claims.url(), List.of(claims.tlsFingerprint()));
            audit.append(c, AuditEvent.of(AuditEventType.PEER_ACCEPTED, operator, p.id().toString(),
                    Map.of("hub_id", claims.issuer(), "url", claims.url())));
            return p;
        });
        hook.reached(HandshakeStep.B_PEER_STORED);
        String keyId = nodeKeys.seal(created.id(), nodeKey, nodeCert);
        nodeKeys.pendingDone(claims.issuer());
        IssuedCertificate issued = peers.tx().inTransaction(c ->
                authority.issue(c, created.id().toString(), claims.issuer(), remoteCsr));
        lifecycle.enroll(created.id(), issued.serial(), issued.notAfter(), issued.signerFingerprint(), nodeCertPem, keyId);
        hook.reached(HandshakeStep.B_ENROLLED);
        try {
            complete(peers.find(created.id()).orElseThrow());
            hook.reached(HandshakeStep.B_COMPLETED);
        } catch (EntenteException e) {
            // Both sides hold their halves already; the heartbeat task retries step 3 until the
            // proposer has it, so the link still comes up. Say so instead of failing the accept.
            LOG.warn("handshake step 3 with {} did not get through yet ({}); heartbeats will retry it",
                    claims.url(), e.getMessage());
            deliveries.failed(created.id(), e.code().code() + ": " + e.detail());
        }
        return peers.find(created.id()).orElseThrow();
    }

    /**
     * Step 3 from the accepter: send the proposer its node certificate over mTLS. Idempotent on
     * the proposer, so the heartbeat task retries it when the first attempt did not get through.
     */
    public void complete(Peer peer) {
        Optional<IssuedCertificate> issued = peers.tx().read(c -> authority.findBySerial(c, peer.nodeCertSerial()));
        if (issued.isEmpty()) {
            return;
        }
        transport.complete(nodeKeys.endpoint(peer), new HandshakeComplete(FederationProtocol.VERSION,
                issued.get().certificatePem(), authority.trustBundle().pem()));
    }

    private String suggestName(String remoteName, String remoteHubId) {
        String candidate = remoteName.toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceAll("^-+", "");
        if (candidate.isEmpty() || candidate.length() > 63 || peers.findByName(candidate).isPresent()) {
            candidate = remoteHubId.replace('_', '-');
        }
        return candidate;
    }
}
