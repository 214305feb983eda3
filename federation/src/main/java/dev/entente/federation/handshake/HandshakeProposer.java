package dev.entente.federation.handshake;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.CsrPolicy;
import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.vault.StoredKey;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerCredentials;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerState;
import dev.entente.federation.protocol.FederationProtocol;
import dev.entente.federation.protocol.HandshakeAccept;
import dev.entente.federation.protocol.HandshakeAcceptAnswer;
import dev.entente.federation.protocol.HandshakeComplete;
import dev.entente.federation.protocol.HandshakeCompleteAnswer;
import dev.entente.federation.protocol.LocalHub;
import dev.entente.federation.protocol.PeerEndpoint;
import dev.entente.federation.protocol.PeerTransport;
import dev.entente.federation.token.SingleUseTokens;
import dev.entente.federation.token.TokenClaims;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.engine.TransitionResult;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The proposing hub's side of the handshake (DESIGN §4, hub A): proposing a peer with an
 * acceptance token, answering {@code /handshake/accept} (step 2) and {@code /handshake/complete}
 * (step 3).
 *
 * <p>One deliberate deviation from DESIGN §4: the proposer moves its peer to {@code enrolled}
 * at {@code /handshake/complete}, not at {@code /handshake/accept}, because only then does it
 * hold both halves (the certificate it issued and the client certificate the accepter issued
 * it), which is exactly what the ENROLL guard requires.
 */
public final class HandshakeProposer {
    private final LocalHub hub;
    private final PeerRepository peers;
    private final PeerLifecycle lifecycle;
    private final PeerCredentials credentials;
    private final AcceptanceTokens tokens;
    private final CertificateAuthority authority;
    private final NodeKeys nodeKeys;
    private final PeerTransport transport;
    private final AuditLog audit;
    private final Clock clock;
    private final HandshakeConfiguration config;
    private final HandshakeHook hook;
    private final CsrPolicy csrPolicy = new CsrPolicy();

    public HandshakeProposer(LocalHub hub, PeerRepository peers, PeerLifecycle lifecycle, PeerCredentials credentials,
                             AcceptanceTokens tokens, CertificateAuthority authority, NodeKeys nodeKeys,
                             PeerTransport transport, AuditLog audit, Clock clock, HandshakeConfiguration config,
                             HandshakeHook hook) {
        this.hub = hub;
        this.peers = peers;
        this.lifecycle = lifecycle;
        this.credentials = credentials;
        this.tokens = tokens;
        this.authority = authority;
        this.nodeKeys = nodeKeys;
        this.transport = transport;
        this.audit = audit;
        this.clock = clock;
        this.config = config;
        this.hook = hook;
    }

    /** A peer record and, when just minted, its acceptance token (shown once). */
    public record Proposal(Peer peer, String acceptanceToken) {
    }

    // ---------------------------------------------------------------- step 1

    public Proposal propose(String name, Duration ttl, String operator) {
        PeerRepository.validateName(name);
        SingleUseTokens.Minted minted = mint(ttl);
        Peer peer = peers.tx().inTransaction(c -> {
            Peer p = peers.propose(c, name, digestToStore(minted), minted.jti(), minted.expiresAt());
            audit.append(c, AuditEvent.of(AuditEventType.PEER_PROPOSED, operator, p.id().toString(),
                    Map.of("name", name, "token_expires_at", minted.expiresAt().toString())));
            return p;
        });
        return new Proposal(peer, minted.token());
    }

    /** A new token for a proposed peer; the old one stops working at once. */
    public Proposal newToken(UUID id, Duration ttl, String operator) {
        SingleUseTokens.Minted minted = mint(ttl);
        Peer peer = peers.replaceToken(id, digestToStore(minted), minted.jti(), minted.expiresAt());
        peers.tx().inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.PEER_TOKEN_ISSUED, operator, id.toString(),
                Map.of("token_expires_at", minted.expiresAt().toString()))));
        return new Proposal(peer, minted.token());
    }

    /**
     * Drill mode (entente.federation.drill-mode, logged loudly at start-up and shown in status)
     * keeps no digest, so the peer's ACCEPT guard does not compare the presented token with a
     * stored one: whoever holds a token this hub signed for the peer gets in. For demos and
     * drills only; production relies on the digest.
     */
    private byte[] digestToStore(SingleUseTokens.Minted minted) {
        return config.drillMode() ? null : minted.digest();
    }

    private SingleUseTokens.Minted mint(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(HandshakeConfiguration.MAX_TOKEN_TTL) > 0) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "--expires-in must be between 1s and 30d");
        }
        return tokens.mint(hub.publicUrl(), hub.tlsFingerprint(), ttl);
    }

    // ---------------------------------------------------------------- step 2

    /**
     * The proposer's half of step 2: verify the token, consume it atomically (ACCEPT), sign the
     * accepter's CSR, and hand back its node certificate, our CA bundle and a CSR for our own
     * node key. The CSR is checked before the token is consumed, so a bad CSR never burns a token.
     *
     * <p>Idempotent for the accepter that consumed the token (issue 11): when it comes back with
     * the same token, hub id, URL and TLS fingerprint while the peer is still accepted (a crash on
     * either side cut the handshake short), the enrollment is answered again: a certificate for
     * the new CSR (the ones issued before are revoked: their keys died with the accepter's
     * process), and a CSR for the node key already sealed for this peer.
     */
    public HandshakeAcceptAnswer accept(HandshakeAccept request) {
        FederationProtocol.require(request.protocolVersion());
        TokenClaims claims = tokens.verify(request.token());
        String remoteHubId = FederationProtocol.required(request.hubId(), "hub_id");
        String remoteUrl = FederationProtocol.required(request.url(), "url");
        String remoteFingerprint = FederationProtocol.required(request.tlsFingerprint(), "tls_fingerprint");
        if (!remoteHubId.matches("hub_[0-9a-f]{8}") || !remoteUrl.startsWith("https://") || !remoteFingerprint.matches("[0-9a-f]{64}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "hub_id, an https url and a SHA-256 tls_fingerprint are required");
        }
        byte[] csr = FederationProtocol.required(request.csr(), "csr").getBytes(StandardCharsets.US_ASCII);
        String csrKeySha256 = Certificates.sha256Hex(csrPolicy.check(csr).publicKey().getEncoded());
        UUID peerId = credentials.findByTokenJti(claims.jti()).orElseThrow(() -> unknownToken(claims));
        hook.reached(HandshakeStep.A_TOKEN_VERIFIED);
        if (peers.find(peerId).map(p -> p.state() == PeerState.PROPOSED).orElse(false)) {
            checkReturnPath(remoteUrl, remoteFingerprint);
        }
        PeerLifecycle.RemoteHub remote = new PeerLifecycle.RemoteHub(remoteHubId, remoteUrl, List.of(remoteFingerprint),
                csrKeySha256);
        boolean resumed = !acceptOnce(peerId, request.token(), remote).changed();
        hook.reached(HandshakeStep.A_ACCEPTED);
        IssuedCertificate issued = peers.tx().inTransaction(c -> {
            if (resumed) {
                authority.revokeAllForPeer(c, peerId.toString(), "superseded: the accepting hub resumed an interrupted handshake");
            }
            return authority.issue(c, peerId.toString(), remoteHubId, csr);
        });
        KeyPair nodeKey = resumed ? nodeKeys.unfinished(peerId).orElse(null) : null;
        if (nodeKey == null) {
            nodeKey = Certificates.ed25519();
            nodeKeys.seal(peerId, nodeKey, null);
        }
        hook.reached(HandshakeStep.A_ANSWERED);
        return HandshakeAcceptAnswer.of(hub, issued.certificatePem(), authority.trustBundle().pem(), nodeKey);
    }

    /**
     * Calls the accepting hub back at the URL it announced, pinning the certificate it announced,
     * before the token is used: heartbeats go both ways, and a link this hub cannot call back is
     * one the accepter would only see turn degraded, with no reason. Refused, the token stays
     * unused, so the accepter fixes its public URL and accepts the same token again. A replay or a
     * resumed accept is not called back: the first accept already was.
     */
    private void checkReturnPath(String remoteUrl, String remoteFingerprint) {
        try {
            transport.ping(PeerEndpoint.anonymous(remoteUrl, remoteFingerprint));
        } catch (EntenteException e) {
            // The generic pin-mismatch advice (re-pin, new token) is for other situations.
            String cause = e.code() == ErrorCode.HANDSHAKE_FINGERPRINT_MISMATCH
                    ? "it answers with TLS certificate " + e.extensions().get("presented") + ", not the "
                    + remoteFingerprint + " your hub announced: that URL reaches another hub or service"
                    : e.detail();
            throw new EntenteException(ErrorCode.HANDSHAKE_RETURN_PATH_FAILED, "hub " + hub.name() + " ("
                    + hub.publicUrl() + ") cannot call your hub back at " + remoteUrl + ", the public URL your hub "
                    + "announced: " + cause + ". Fix what that names on your hub (a public URL this hub cannot "
                    + "reach: set ENTENTE_PUBLIC_URL or entente.hub.public-url and restart; a certificate outside its "
                    + "validity: correct the clock, then 'entente tls rotate'), and accept the same token again: "
                    + "it was not used", Map.of("url", remoteUrl, "cause", e.code().code()));
        }
    }

    /**
     * ACCEPT, or its no-op when the same accepter resumes. A peer of this hub id that an earlier
     * handshake left accepted, under a token this hub has since replaced by a new proposal, would
     * block the new one with {@code peer_hub_id_taken} forever: it can never finish (its token is
     * spent), so it is revoked and the accept tried once more. Only a token that passed the guard
     * gets that far: the failed accept rolled back, so nothing was consumed.
     */
    private TransitionResult<PeerState> acceptOnce(UUID peerId, String token, PeerLifecycle.RemoteHub remote) {
        for (int attempt = 1; ; attempt++) {
            try {
                return lifecycle.accept(peerId, PeerLifecycle.tokenDigest(token), clock.instant(), remote);
            } catch (EntenteException e) {
                if (e.code() == ErrorCode.TRANSITION_REJECTED || e.code() == ErrorCode.CONFLICT) {
                    // The single-use rule: whoever lost the race, or replays the token, sees this.
                    // 'peers token' cannot help here: it refuses a peer that is already linked.
                    throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_USED, "this acceptance token was already used: "
                            + "it linked peer " + peerId + " of the proposing hub. If that accept was yours, the link exists "
                            + "('entente peers list'); to link again, the proposing hub revokes it ('entente peers revoke "
                            + peerId + " --reason ...') and proposes anew ('entente peers propose')", Map.of("peer_id", peerId.toString()));
                }
                Optional<Peer> holder = e.code() == ErrorCode.PEER_HUB_ID_TAKEN ? peers.findByHubId(remote.hubId()) : Optional.empty();
                if (attempt > 1 || holder.isEmpty() || holder.get().id().equals(peerId)
                        || !holder.get().isUnfinishedAccept()) {
                    throw e;
                }
                lifecycle.revoke(holder.get().id(), EventSource.HANDSHAKE.actor(),
                        "superseded by peer " + peerId + ": an earlier handshake with " + remote.hubId() + " never completed");
            }
        }
    }

    /**
     * A verified token whose id no proposed peer holds. The expiry job forgets a token's id at its
     * {@code exp}, while verification still lets it through for the clock-skew allowance: such a
     * token is expired, not replaced.
     */
    private EntenteException unknownToken(TokenClaims claims) {
        if (!clock.instant().isBefore(claims.expiresAt())) {
            return new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_EXPIRED, "token expired at " + claims.expiresAt()
                    + "; ask the proposing hub for a new one with 'entente peers token ID' (ID: the proposed peer there)");
        }
        return new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_MISMATCH, "this token is not the current one of any "
                + "proposed peer: the proposing hub replaced it with a newer one ('entente peers token') or revoked its "
                + "peer; ask that hub for its current token");
    }

    // ---------------------------------------------------------------- step 3

    /** The accepter's node certificate for us arrived over mTLS: enroll (idempotent for a repeat). */
    public HandshakeCompleteAnswer complete(Peer peer, IssuedCertificate presented, HandshakeComplete request) {
        FederationProtocol.require(request.protocolVersion());
        String pem = FederationProtocol.required(request.nodeCert(), "node_cert");
        X509Certificate cert = FederationProtocol.certificate(pem, ErrorCode.INVALID_REQUEST,
                "node_cert must be the PEM certificate this hub's CA issued you in handshake step 2");
        StoredKey key = nodeKeys.active(peer.id()).orElseThrow(() -> new EntenteException(
                ErrorCode.PEER_ENROLLMENT_INCOMPLETE, "this hub has no node key for peer " + peer.id() + "; link again"));
        if (!cert.getPublicKey().equals(Certificates.publicKey(key.algorithm(), key.publicKey()))) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "the certificate is not for the node key this hub sent");
        }
        hook.reached(HandshakeStep.A_COMPLETE_RECEIVED);
        if (peer.isUnfinishedAccept()) {
            try {
                lifecycle.enroll(peer.id(), presented.serial(), presented.notAfter(), presented.signerFingerprint(), pem, key.id());
                hook.reached(HandshakeStep.A_ENROLLED);
            } catch (EntenteException e) {
                // The accepter's heartbeat task retries this step; when two identical completions
                // race, the loser finds the winner's result and is just as done.
                Peer now = peers.find(peer.id()).orElseThrow();
                boolean sameCompletion = !now.isUnfinishedAccept() && pem.equals(now.clientCertPem());
                if (!sameCompletion || (e.code() != ErrorCode.CONFLICT && e.code() != ErrorCode.TRANSITION_REJECTED)) {
                    throw e;
                }
            }
        } else if (!pem.equals(peer.clientCertPem())) {
            credentials.recordClientCertificate(peer.id(), pem, key.id());
        }
        return new HandshakeCompleteAnswer(FederationProtocol.VERSION, peers.find(peer.id()).orElseThrow().state().value());
    }
}
