package dev.entente.federation.reenrol;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.CsrPolicy;
import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.vault.StoredKey;
import dev.entente.federation.handshake.NodeKeys;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerCredentials;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerState;
import dev.entente.federation.protocol.AccessInvalidation;
import dev.entente.federation.protocol.FederationProtocol;
import dev.entente.federation.protocol.HandshakeAcceptAnswer;
import dev.entente.federation.protocol.HandshakeComplete;
import dev.entente.federation.protocol.LocalHub;
import dev.entente.federation.protocol.PeerEndpoint;
import dev.entente.federation.protocol.PeerTransport;
import dev.entente.federation.protocol.ReenrolRequest;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.federation.token.SingleUseTokens;
import dev.entente.federation.token.TokenClaims;
import dev.entente.federation.token.TokenTable;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Re-enrolment of a link whose node certificates died: renewal rides on heartbeats, which a dead
 * certificate can no longer authenticate, so without this the link is lost for good.
 *
 * <p>The hub that issued the dead certificate (A) mints a one-time token bound to the peer's hub
 * id ({@link #mint}); the locked-out hub (B) presents it ({@link #reenrol}) over TLS pinned by the
 * token, with its dead node certificate as client certificate, and a CSR for a new node key.
 * A checks the token, that the dead certificate is one it issued to that very peer (TLS proved B
 * holds its key), consumes the token atomically, and answers in the handshake's step-2 shape: B's
 * new certificate and a CSR for A's node key. B signs that too and hands it over in the
 * handshake's step 3 over mTLS, so both directions are fresh after one command on each side.
 * Peer ids, grants, resources and history stay as they are.
 */
public final class Reenrolment {
    /** Long enough to carry a token to the other operator, short enough not to lie around. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    public static final Duration MAX_TTL = Duration.ofDays(7);
    private static final Set<PeerState> LINKED = Set.of(PeerState.ENROLLED, PeerState.ACTIVE, PeerState.DEGRADED,
            PeerState.SUSPENDED);

    private final LocalHub hub;
    private final PeerRepository peers;
    private final PeerCredentials credentials;
    private final CertificateAuthority authority;
    private final NodeKeys nodeKeys;
    private final ReenrolmentTokens tokens;
    private final ReenrolmentTokenTable table;
    private final PeerTransport transport;
    private final ReenrolmentTransport reenrolTransport;
    private final AuditLog audit;
    private final AccessInvalidation invalidation;
    private final Clock clock;
    private final Duration skew;
    private final CsrPolicy csrPolicy = new CsrPolicy();

    public Reenrolment(LocalHub hub, PeerRepository peers, PeerCredentials credentials, CertificateAuthority authority,
                       NodeKeys nodeKeys, ReenrolmentTokens tokens, PeerTransport transport,
                       ReenrolmentTransport reenrolTransport, AuditLog audit, AccessInvalidation invalidation, Clock clock,
                       Duration skew) {
        this.hub = hub;
        this.peers = peers;
        this.credentials = credentials;
        this.authority = authority;
        this.nodeKeys = nodeKeys;
        this.tokens = tokens;
        this.table = tokens.table();
        this.transport = transport;
        this.reenrolTransport = reenrolTransport;
        this.audit = audit;
        this.invalidation = invalidation;
        this.clock = clock;
        this.skew = skew;
    }

    /** A minted token (shown once) and the peer it is for. */
    public record Minted(Peer peer, String token, Instant expiresAt) {
        // The token is a credential: it stays out of logs and exception messages.
        @Override
        public String toString() {
            return "Minted[peer=" + peer.id() + ", token=(redacted), expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * Why a node certificate can no longer authenticate its holder, if it cannot: expired,
     * revoked, or signed by a CA key this hub no longer trusts.
     *
     * @param trustedSigners fingerprints of the CA certificates in this hub's trust bundle
     */
    public static Optional<String> whyDead(IssuedCertificate cert, List<String> trustedSigners, Instant now) {
        if (cert.revoked()) {
            return Optional.of("was revoked at " + cert.revokedAt() + " (" + cert.revocationReason() + ")");
        }
        if (!now.isBefore(cert.notAfter())) {
            return Optional.of("expired at " + cert.notAfter());
        }
        if (!trustedSigners.contains(cert.signerFingerprint())) {
            return Optional.of("is signed by a retired CA key (" + cert.signerFingerprint() + ")");
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- the issuing hub

    /** {@code peers reenroll ID}: a one-time token for {@code peerId}; earlier unused ones stop working. */
    public Minted mint(UUID peerId, Duration ttl, String operator) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "--expires-in must be between 1s and 7d");
        }
        Peer peer = linked(peerId);
        SingleUseTokens.Minted minted = tokens.mint(peer.hubId(), hub.publicUrl(), hub.tlsFingerprint(), ttl);
        peers.tx().inTransaction(c -> {
            table.insert(c, minted.jti(), peer.id(), minted.digest(), minted.expiresAt(), operator);
            AuditDetails details = AuditDetails.of()
                    .put("hub_id", peer.hubId())
                    .put("node_cert_serial", peer.nodeCertSerial())
                    .put("token_expires_at", minted.expiresAt());
            audit.append(c, AuditEvent.of(AuditEventType.PEER_REENROLMENT_TOKEN_ISSUED, operator, peer.id().toString(), details));
            return null;
        });
        return new Minted(peer, minted.token(), minted.expiresAt());
    }

    /**
     * The issuing hub's side of {@code POST /federation/v1/reenroll}. Everything that can refuse
     * is checked before the token is consumed, so a refused attempt never burns it.
     *
     * @param presented the client certificate of the connection: the dead node certificate, whose
     *                  key TLS proved the caller holds
     */
    public HandshakeAcceptAnswer handle(ReenrolRequest request, Optional<X509Certificate> presented) {
        FederationProtocol.require(request.protocolVersion());
        TokenClaims claims = tokens.verify(request.token());
        String callerHubId = FederationProtocol.required(request.hubId(), "hub_id");
        String callerFingerprint = FederationProtocol.required(request.tlsFingerprint(), "tls_fingerprint");
        if (!callerFingerprint.matches("[0-9a-f]{64}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "tls_fingerprint must be a SHA-256 fingerprint: 64 hex digits");
        }
        byte[] csr = FederationProtocol.required(request.csr(), "csr").getBytes(StandardCharsets.US_ASCII);
        csrPolicy.check(csr);
        TokenTable.Entry row = peers.tx().read(c -> table.find(c, claims.jti())).orElseThrow(() ->
                new EntenteException(ErrorCode.REENROLMENT_TOKEN_INVALID, "this re-enrolment token is not the current one "
                        + "of any peer: a newer one replaced it; ask for the latest ('entente peers reenroll ID' on hub "
                        + hub.hubId() + ")"));
        Peer peer = linked(row.peerId());
        if (!peer.hubId().equals(claims.subject()) || !peer.hubId().equals(callerHubId)) {
            throw new EntenteException(ErrorCode.REENROLMENT_TOKEN_WRONG_PEER, "this re-enrolment token is bound to hub "
                    + claims.subject() + " (peer " + peer.name() + "), and hub " + callerHubId + " presented it; "
                    + "only that hub can use it");
        }
        IssuedCertificate old = presentedCertificateOf(peer, presented);
        StoredKey ourKey = nodeKeys.active(peer.id()).orElseThrow(() -> new EntenteException(ErrorCode.MTLS_CONFIG_PARTIAL,
                "this hub has no node key for peer " + peer.name() + "; revoke the peer and link again"));
        Instant now = clock.instant();
        IssuedCertificate issued = peers.tx().inTransaction(c -> {
            if (!table.consume(c, claims.jti(), PeerLifecycle.tokenDigest(request.token()), now)) {
                throw new EntenteException(ErrorCode.REENROLMENT_TOKEN_USED, "this re-enrolment token was already used "
                        + "(peer " + peer.name() + " re-enrolled with it); if the link is still down, ask for a new one "
                        + "('entente peers reenroll " + peer.id() + "' on hub " + hub.hubId() + ")");
            }
            authority.revokeAllForPeer(c, peer.id().toString(), "superseded: the peer re-enrolled");
            IssuedCertificate next = authority.issue(c, peer.id().toString(), peer.hubId(), csr);
            AuditDetails details = AuditDetails.of()
                    .put("direction", "issued")
                    .put("previous_serial", old.serial())
                    .put("serial", next.serial())
                    .put("not_after", next.notAfter())
                    .put("peer_tls_fingerprint", callerFingerprint);
            audit.append(c, AuditEvent.of(AuditEventType.PEER_REENROLLED, "peer:" + peer.id(), peer.id().toString(), details));
            return next;
        });
        credentials.recordNodeCertificate(peer.id(), issued.serial(), issued.notAfter(), issued.signerFingerprint());
        invalidation.certificateSuperseded(old.fingerprint());
        invalidation.peerChanged(peer.id());
        KeyPair keyPair = new KeyPair(Certificates.publicKey(ourKey.algorithm(), ourKey.publicKey()),
                Certificates.privateKey(ourKey.algorithm(), ourKey.secret()));
        return HandshakeAcceptAnswer.of(hub, issued.certificatePem(), authority.trustBundle().pem(), keyPair);
    }

    /** The presented certificate must be one this hub issued to {@code peer}, dead or alive. */
    private IssuedCertificate presentedCertificateOf(Peer peer, Optional<X509Certificate> presented) {
        X509Certificate cert = presented.orElseThrow(() -> new EntenteException(ErrorCode.PEER_CERT_REQUIRED,
                "re-enrolment needs the node certificate this hub last issued to your hub, expired or not, as the "
                        + "client certificate: it proves the caller holds the link's node key"));
        String fingerprint = Certificates.fingerprint(cert);
        IssuedCertificate record = peers.tx().read(c -> authority.findByFingerprint(c, fingerprint)).orElseThrow(() ->
                new EntenteException(ErrorCode.REENROLMENT_TOKEN_WRONG_PEER, "the client certificate " + fingerprint
                        + " was not issued by this hub; re-enrolment is for the hub that holds the link's node key"));
        if (!record.peerId().equals(peer.id().toString())) {
            throw new EntenteException(ErrorCode.REENROLMENT_TOKEN_WRONG_PEER, "the client certificate " + fingerprint
                    + " belongs to another peer than the one this token is bound to (" + peer.name() + ")");
        }
        return record;
    }

    // ---------------------------------------------------------------- the locked-out hub

    /**
     * {@code peers reenroll --token T}: trade the token for a new node certificate from the hub
     * that minted it, and give that hub a new one of ours, over the old link.
     */
    public Peer reenrol(String token, String operator) {
        TokenClaims claims = ReenrolmentTokens.readClaims(token);
        ReenrolmentTokens.checkExpiry(claims, clock.instant(), skew);
        if (!claims.subject().equals(hub.hubId())) {
            throw new EntenteException(ErrorCode.REENROLMENT_TOKEN_WRONG_PEER, "this token is bound to hub "
                    + claims.subject() + ", not to this hub (" + hub.hubId() + "); run it there");
        }
        if (claims.issuer().equals(hub.hubId())) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "this token was minted by this very hub; "
                    + "run 'entente peers reenroll --token T' on the peer's hub");
        }
        Peer peer = peers.findByHubId(claims.issuer()).filter(p -> LINKED.contains(p.state())).orElseThrow(() ->
                new EntenteException(ErrorCode.NOT_FOUND, "this hub has no linked peer for hub " + claims.issuer()
                        + "; re-enrolment restores a link, it does not make one ('entente peers accept')"));
        PeerEndpoint old = nodeKeys.endpoint(peer);
        PeerEndpoint issuer = new PeerEndpoint(claims.url(), Set.of(claims.tlsFingerprint()), old.clientKey(), old.clientCert());
        KeyPair nodeKey = Certificates.ed25519();
        HandshakeAcceptAnswer answer = reenrolTransport.reenrol(issuer, new ReenrolRequest(FederationProtocol.VERSION,
                token, hub.hubId(), hub.tlsFingerprint(), Certificates.csr(nodeKey, hub.hubId())));
        String pem = answer.nodeCert();
        X509Certificate cert = answer.nodeCertificateFor(nodeKey.getPublic(), claims.issuer(), "issuing hub");
        String keyId = nodeKeys.seal(peer.id(), nodeKey, cert);
        credentials.recordClientCertificate(peer.id(), pem, keyId);
        if (!peer.pinnedFingerprints().contains(claims.tlsFingerprint())) {
            // The token came from that hub's operator: its certificate is the one to trust now.
            List<String> pins = new ArrayList<>(peer.pinnedFingerprints());
            pins.add(claims.tlsFingerprint());
            peers.repin(peer.id(), pins);
        }
        String theirs = issueTheirs(peers.find(peer.id()).orElseThrow(), answer.csr());
        peers.tx().inTransaction(c -> {
            AuditDetails details = AuditDetails.of()
                    .put("direction", "both")
                    .put("hub_id", peer.hubId())
                    .put("client_cert_not_after", cert.getNotAfter().toInstant())
                    .put("serial", theirs);
            audit.append(c, AuditEvent.of(AuditEventType.PEER_REENROLLED, operator, peer.id().toString(), details));
            return null;
        });
        return peers.find(peer.id()).orElseThrow();
    }

    /**
     * A fresh node certificate for the other hub's key, handed over in handshake step 3 (which
     * records it there) under our new certificate; the one it replaces is revoked once it has it.
     * Returns the new serial.
     */
    private String issueTheirs(Peer peer, String remoteCsr) {
        byte[] csr = FederationProtocol.required(remoteCsr, "csr").getBytes(StandardCharsets.US_ASCII);
        IssuedCertificate issued = peers.tx().inTransaction(c -> authority.issue(c, peer.id().toString(), peer.hubId(), csr));
        try {
            transport.complete(nodeKeys.endpoint(peer), new HandshakeComplete(FederationProtocol.VERSION,
                    issued.certificatePem(), authority.trustBundle().pem()));
        } catch (EntenteException e) {
            throw new EntenteException(ErrorCode.HANDSHAKE_REJECTED, "this hub's node certificate for peer " + peer.name()
                    + " is renewed, but handing the peer its new one failed (" + e.detail() + "); if the peer still "
                    + "refuses its calls, run 'entente peers reenroll " + peer.id() + "' here and give that token to its operator",
                    Map.of("peer_id", peer.id().toString()));
        }
        List<String> superseded = new ArrayList<>();
        peers.tx().inTransaction(c -> {
            for (IssuedCertificate earlier : authority.listForPeer(c, peer.id().toString())) {
                if (!earlier.serial().equals(issued.serial()) && !earlier.revoked()
                        && authority.revoke(c, earlier.serial(), "superseded: the link re-enrolled")) {
                    superseded.add(earlier.fingerprint());
                }
            }
            return null;
        });
        credentials.recordNodeCertificate(peer.id(), issued.serial(), issued.notAfter(), issued.signerFingerprint());
        superseded.forEach(invalidation::certificateSuperseded);
        invalidation.peerChanged(peer.id());
        return issued.serial();
    }

    private Peer linked(UUID peerId) {
        Peer peer = peers.find(peerId).orElseThrow(() -> new EntenteException(ErrorCode.NOT_FOUND, "no peer " + peerId));
        if (!LINKED.contains(peer.state())) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "peer " + peer.name() + " is " + peer.state().value()
                    + ": re-enrolment restores a link that was enrolled; a "
                    + (peer.state() == PeerState.REVOKED ? "revoked peer links again with 'entente peers propose'"
                    : "handshake in progress finishes with 'entente peers accept'"));
        }
        return peer;
    }
}
