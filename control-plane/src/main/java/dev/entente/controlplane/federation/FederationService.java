package dev.entente.controlplane.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.ca.authority.CsrPolicy;
import dev.entente.ca.authority.FederationCa;
import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.rotation.RotationState;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.StoredKey;
import dev.entente.controlplane.api.Bodies;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.federation.handshake.AcceptanceTokens;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerCredentials;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerState;
import dev.entente.lifecycle.engine.TransitionResult;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The federation protocol of DESIGN §4 as this hub runs it, on both sides of a link:
 * proposing (A), accepting (B), completing, heartbeats and node-certificate renewal. HTTP stays
 * in the controllers; the state changes go through the peer lifecycle.
 *
 * <p>One deliberate deviation from DESIGN §4: the proposer moves its peer to {@code enrolled}
 * at {@code /handshake/complete}, not at {@code /handshake/accept}, because only then does it
 * hold both halves (the certificate it issued and the client certificate the accepter issued
 * it), which is exactly what the ENROLL guard requires.
 */
public final class FederationService {
    /** The federation protocol this hub speaks; a peer speaking another is refused with both versions. */
    public static final int PROTOCOL_VERSION = 1;
    /** Longest lifetime of an acceptance token ({@code peers propose --ttl}, {@code peers token --ttl}). */
    public static final Duration MAX_TOKEN_TTL = Duration.ofDays(30);
    private static final Logger LOG = LoggerFactory.getLogger(FederationService.class);

    private final HubRuntime hub;
    private final PeerRepository peers;
    private final PeerLifecycle lifecycle;
    private final PeerCredentials credentials;
    private final AcceptanceTokens tokens;
    private final CsrPolicy csrPolicy = new CsrPolicy();
    // Read on every heartbeat; a second of staleness only delays a renewal by one heartbeat.
    private final Cached<String> phase;
    private final Cached<String> signingFingerprint;

    public FederationService(HubRuntime hub, PeerRepository peers, PeerLifecycle lifecycle, PeerCredentials credentials,
                             AcceptanceTokens tokens) {
        this.hub = hub;
        this.peers = peers;
        this.lifecycle = lifecycle;
        this.credentials = credentials;
        this.tokens = tokens;
        this.phase = new Cached<>(Duration.ofSeconds(1), () -> hub.rotation().phase().value());
        this.signingFingerprint = new Cached<>(Duration.ofSeconds(1), () -> hub.federationCa().signingKey().fingerprint());
    }

    public PeerRepository peers() {
        return peers;
    }

    public PeerLifecycle lifecycle() {
        return lifecycle;
    }

    /** A peer named by its id or its name; {@code not_found} otherwise. */
    public Peer peer(String idOrName) {
        Optional<Peer> found;
        try {
            found = peers.find(UUID.fromString(idOrName));
        } catch (IllegalArgumentException notAnId) {
            found = peers.findByName(idOrName);
        }
        return found.orElseThrow(() -> new EntenteException(ErrorCode.NOT_FOUND,
                "no peer " + idOrName + "; 'entente peers list' shows ids and names"));
    }

    /** A peer record and, when just minted, its acceptance token (shown once). */
    public record Proposal(Peer peer, String acceptanceToken) {
    }

    // ---------------------------------------------------------------- A: propose

    public Proposal propose(String name, Duration ttl, String operator) {
        PeerRepository.validateName(name);
        AcceptanceTokens.Minted minted = mint(ttl);
        Peer peer = hub.tx().inTransaction(c -> {
            Peer p = peers.propose(c, name, digestToStore(minted), minted.jti(), minted.expiresAt());
            hub.audit().append(c, AuditEvent.of(AuditEventType.PEER_PROPOSED, operator, p.id().toString(),
                    Map.of("name", name, "token_expires_at", minted.expiresAt().toString())));
            return p;
        });
        return new Proposal(peer, minted.token());
    }

    /** A new token for a proposed peer; the old one stops working at once. */
    public Proposal newToken(UUID id, Duration ttl, String operator) {
        AcceptanceTokens.Minted minted = mint(ttl);
        Peer peer = peers.replaceToken(id, digestToStore(minted), minted.jti(), minted.expiresAt());
        hub.tx().inTransaction(c -> hub.audit().append(c, AuditEvent.of(AuditEventType.PEER_TOKEN_ISSUED, operator, id.toString(),
                Map.of("token_expires_at", minted.expiresAt().toString()))));
        return new Proposal(peer, minted.token());
    }

    /**
     * Drill mode (entente.federation.drill-mode, logged loudly at start-up and shown in status)
     * keeps no digest, so the peer's ACCEPT guard does not compare the presented token with a
     * stored one: whoever holds a token this hub signed for the peer gets in. For demos and
     * drills only; production relies on the digest.
     */
    private byte[] digestToStore(AcceptanceTokens.Minted minted) {
        return hub.settings().drillMode() ? null : minted.digest();
    }

    private AcceptanceTokens.Minted mint(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TOKEN_TTL) > 0) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "--ttl must be between 1s and 30d");
        }
        return tokens.mint(hub.publicUrl(), hub.tls().current().fingerprint(), ttl);
    }

    // ---------------------------------------------------------------- A: /handshake/accept

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
    public Map<String, Object> handshakeAccept(Map<String, Object> body) {
        requireProtocol(body);
        String token = body.get("token") instanceof String t ? t : null;
        AcceptanceTokens.Claims claims = tokens.verify(token);
        String remoteHubId = Bodies.string(body, "hub_id", true);
        String remoteUrl = Bodies.string(body, "url", true);
        String remoteFingerprint = Bodies.string(body, "tls_fingerprint", true);
        if (!remoteHubId.matches("hub_[0-9a-f]{8}") || !remoteUrl.startsWith("https://") || !remoteFingerprint.matches("[0-9a-f]{64}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "hub_id, an https url and a SHA-256 tls_fingerprint are required");
        }
        byte[] csr = Bodies.string(body, "csr", true).getBytes(StandardCharsets.US_ASCII);
        String csrKeySha256 = Certificates.sha256Hex(csrPolicy.check(csr).publicKey().getEncoded());
        UUID peerId = credentials.findByTokenJti(claims.jti()).orElseThrow(() -> new EntenteException(
                ErrorCode.ACCEPTANCE_TOKEN_MISMATCH, "this token is not the current one of any proposed peer: it was "
                + "replaced by a newer token ('entente peers token') or its peer was revoked"));
        HandshakeStep.A_TOKEN_VERIFIED.reached();
        PeerLifecycle.RemoteHub remote = new PeerLifecycle.RemoteHub(remoteHubId, remoteUrl, List.of(remoteFingerprint),
                csrKeySha256);
        boolean resumed = !acceptOnce(peerId, token, remote).changed();
        HandshakeStep.A_ACCEPTED.reached();
        IssuedCertificate issued = hub.tx().inTransaction(c -> {
            if (resumed) {
                hub.authority().revokeAllForPeer(c, peerId.toString(), "superseded: the accepting hub resumed an interrupted handshake");
            }
            return hub.authority().issue(c, peerId.toString(), remoteHubId, csr);
        });
        KeyPair nodeKey = resumed ? unfinishedNodeKey(peerId).orElse(null) : null;
        if (nodeKey == null) {
            nodeKey = Certificates.ed25519();
            storeNodeKey(peerId, nodeKey, null);
        }
        HandshakeStep.A_ANSWERED.reached();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("protocol_version", PROTOCOL_VERSION);
        out.put("hub_id", hub.hubId());
        out.put("name", hub.name());
        out.put("node_cert", issued.certificatePem());
        out.put("ca_bundle", hub.authority().trustBundle().pem());
        out.put("csr", Certificates.csr(nodeKey, hub.hubId()));
        return out;
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
                return lifecycle.accept(peerId, PeerLifecycle.tokenDigest(token), hub.clock().instant(), remote);
            } catch (EntenteException e) {
                if (e.code() == ErrorCode.TRANSITION_REJECTED || e.code() == ErrorCode.CONFLICT) {
                    // The single-use rule: whoever lost the race, or replays the token, sees this.
                    throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_USED,
                            "this acceptance token was already used; ask the proposing hub for a new one with 'entente peers token ID'");
                }
                Optional<Peer> holder = e.code() == ErrorCode.PEER_HUB_ID_TAKEN ? peers.findByHubId(remote.hubId()) : Optional.empty();
                if (attempt > 1 || holder.isEmpty() || holder.get().id().equals(peerId)
                        || holder.get().state() != PeerState.ACCEPTED) {
                    throw e;
                }
                lifecycle.revoke(holder.get().id(), EventSource.HANDSHAKE.actor(),
                        "superseded by peer " + peerId + ": an earlier handshake with " + remote.hubId() + " never completed");
            }
        }
    }

    /** The node key sealed for {@code peerId} by an accept that did not get to enroll, if any. */
    private Optional<KeyPair> unfinishedNodeKey(UUID peerId) {
        return hub.keys().active(nodeKeyPurpose(peerId)).map(k -> new KeyPair(
                Certificates.publicKey(k.algorithm(), k.publicKey()), Certificates.privateKey(k.algorithm(), k.secret())));
    }

    // ---------------------------------------------------------------- B: peers accept

    /**
     * The accepter's side: read the token (without being able to verify it), connect to the
     * proposer pinning the token's fingerprint, exchange CSRs, record the proposer as a peer and
     * enroll it, then complete over mTLS with the new node certificate.
     */
    public Peer accept(String token, String name, String operator) {
        AcceptanceTokens.Claims claims = AcceptanceTokens.read(token);
        Instant now = hub.clock().instant();
        if (now.isAfter(claims.expiresAt().plus(hub.settings().clockSkew()))) {
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_EXPIRED, "token expired at " + claims.expiresAt()
                    + "; ask the proposing hub for a new one with 'entente peers token ID'");
        }
        if (claims.issuer().equals(hub.hubId())) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "this token was issued by this very hub; accept it on the other hub");
        }
        Optional<Peer> existing = peers.findByHubId(claims.issuer());
        // A peer of ours for this hub still in accepted is an accept of ours that a crash cut
        // short (issue 11): it can never finish, so this accept replaces it once the proposer
        // answered. A peer that got further is a link: the operator decides, by revoking it.
        Optional<Peer> unfinished = existing.filter(p -> p.state() == PeerState.ACCEPTED);
        if (existing.isPresent() && existing.get().state() != PeerState.REVOKED && unfinished.isEmpty()) {
            throw new EntenteException(ErrorCode.PEER_HUB_ID_TAKEN, "hub " + claims.issuer() + " is already peer "
                    + existing.get().id() + " (" + existing.get().state().value() + "); revoke it first to link again");
        }
        // The node key is sealed before the proposer sees it: an accept that a crash cuts short is
        // retried with the same key, which the proposer requires before it answers again.
        KeyPair nodeKey = pendingNodeKey(claims.issuer());
        HandshakeStep.B_BEFORE_ACCEPT.reached();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("protocol_version", PROTOCOL_VERSION);
        request.put("token", token);
        request.put("hub_id", hub.hubId());
        request.put("name", hub.name());
        request.put("url", hub.publicUrl());
        request.put("tls_fingerprint", hub.tls().current().fingerprint());
        request.put("csr", Certificates.csr(nodeKey, hub.hubId()));
        JsonNode answer = new PeerClient(claims.url(), Set.of(claims.tlsFingerprint()), null, null, Duration.ofSeconds(5))
                .post("federation/v1/handshake/accept", request);
        String nodeCertPem = answer.path("node_cert").asText();
        X509Certificate nodeCert = certificate(nodeCertPem, ErrorCode.HANDSHAKE_REJECTED,
                "the proposing hub answered without a PEM node_cert");
        if (!nodeCert.getPublicKey().equals(nodeKey.getPublic()) || !claims.issuer().equals(answer.path("hub_id").asText())) {
            throw new EntenteException(ErrorCode.HANDSHAKE_REJECTED, "the proposing hub answered with a certificate for another key or hub");
        }
        HandshakeStep.B_ANSWER_RECEIVED.reached();
        if (unfinished.isPresent()) {
            lifecycle.revoke(unfinished.get().id(), operator, "superseded by a new accept of hub " + claims.issuer()
                    + ": the earlier accept never completed");
        }
        String peerName = name != null ? name : suggestName(answer.path("name").asText(""), claims.issuer());
        PeerRepository.validateName(peerName);
        byte[] remoteCsr = answer.path("csr").asText().getBytes(StandardCharsets.US_ASCII);
        Peer created = hub.tx().inTransaction(c -> {
            Peer p = peers.createAccepted(c, peerName, claims.issuer(), claims.url(), List.of(claims.tlsFingerprint()));
            hub.audit().append(c, AuditEvent.of(AuditEventType.PEER_ACCEPTED, operator, p.id().toString(),
                    Map.of("hub_id", claims.issuer(), "url", claims.url())));
            return p;
        });
        HandshakeStep.B_PEER_STORED.reached();
        String keyId = storeNodeKey(created.id(), nodeKey, nodeCert);
        retirePendingNodeKey(claims.issuer());
        IssuedCertificate issued = hub.tx().inTransaction(c ->
                hub.authority().issue(c, created.id().toString(), claims.issuer(), remoteCsr));
        lifecycle.enroll(created.id(), issued.serial(), issued.notAfter(), issued.signerFingerprint(), nodeCertPem, keyId);
        HandshakeStep.B_ENROLLED.reached();
        try {
            complete(peers.find(created.id()).orElseThrow());
            HandshakeStep.B_COMPLETED.reached();
        } catch (EntenteException e) {
            // Both sides hold their halves already; the heartbeat task retries step 3 until the
            // proposer has it, so the link still comes up. Say so instead of failing the accept.
            LOG.warn("handshake step 3 with {} did not get through yet ({}); heartbeats will retry it",
                    claims.url(), e.getMessage());
            deliveryFailed(created.id(), e.code().code() + ": " + e.detail());
        }
        return peers.find(created.id()).orElseThrow();
    }

    /**
     * Step 3 from the accepter: send the proposer its node certificate over mTLS. Idempotent on
     * the proposer, so the heartbeat task retries it when the first attempt did not get through.
     */
    public void complete(Peer peer) {
        Optional<IssuedCertificate> issued = hub.tx().read(c -> hub.authority().findBySerial(c, peer.nodeCertSerial()));
        if (issued.isEmpty()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("protocol_version", PROTOCOL_VERSION);
        body.put("node_cert", issued.get().certificatePem());
        body.put("ca_bundle", hub.authority().trustBundle().pem());
        clientFor(peer).post("federation/v1/handshake/complete", body);
    }

    // ---------------------------------------------------------------- A: /handshake/complete

    public Map<String, Object> handshakeComplete(Peer peer, IssuedCertificate presented, Map<String, Object> body) {
        requireProtocol(body);
        String pem = Bodies.string(body, "node_cert", true);
        X509Certificate cert = certificate(pem, ErrorCode.INVALID_REQUEST,
                "node_cert must be the PEM certificate this hub's CA issued you in handshake step 2");
        StoredKey key = hub.keys().active(nodeKeyPurpose(peer.id())).orElseThrow(() -> new EntenteException(
                ErrorCode.PEER_ENROLLMENT_INCOMPLETE, "this hub has no node key for peer " + peer.id() + "; link again"));
        if (!cert.getPublicKey().equals(Certificates.publicKey(key.algorithm(), key.publicKey()))) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "the certificate is not for the node key this hub sent");
        }
        HandshakeStep.A_COMPLETE_RECEIVED.reached();
        if (peer.state() == PeerState.ACCEPTED) {
            try {
                lifecycle.enroll(peer.id(), presented.serial(), presented.notAfter(), presented.signerFingerprint(), pem, key.id());
                HandshakeStep.A_ENROLLED.reached();
            } catch (EntenteException e) {
                // The accepter's heartbeat task retries this step; when two identical completions
                // race, the loser finds the winner's result and is just as done.
                Peer now = peers.find(peer.id()).orElseThrow();
                boolean sameCompletion = now.state() != PeerState.ACCEPTED && pem.equals(now.clientCertPem());
                if (!sameCompletion || (e.code() != ErrorCode.CONFLICT && e.code() != ErrorCode.TRANSITION_REJECTED)) {
                    throw e;
                }
            }
        } else if (!pem.equals(peer.clientCertPem())) {
            credentials.recordClientCertificate(peer.id(), pem, key.id());
        }
        return Map.of("protocol_version", PROTOCOL_VERSION, "state", peers.find(peer.id()).orElseThrow().state().value());
    }

    // ---------------------------------------------------------------- heartbeats

    /** A peer's heartbeat arrived over mTLS: record it (enrolled→active, degraded→active) and answer with ours. */
    public Map<String, Object> receiveHeartbeat(Peer peer, IssuedCertificate presented, Map<String, Object> body) {
        requireProtocol(body);
        Instant now = hub.clock().instant();
        Long skewMs = null;
        Object clock = body.get("clock");
        if (clock instanceof String s) {
            try {
                skewMs = Instant.parse(s).toEpochMilli() - now.toEpochMilli();
            } catch (RuntimeException ignored) {
                // a malformed clock is reported as unknown skew, not a failed heartbeat
            }
        }
        List<String> fingerprints = new ArrayList<>();
        if (body.get("tls_fingerprints") instanceof List<?> l) {
            l.forEach(f -> fingerprints.add(String.valueOf(f)));
        }
        String caPhase = Bodies.string(body, "ca_phase", false);
        // An active peer's heartbeat that changes nothing but the heartbeat columns is buffered
        // and written in a batch; anything else (a state change, new pins) is written now.
        boolean quiet = peer.state() == PeerState.ACTIVE
                && (fingerprints.isEmpty() || fingerprints.equals(peer.pinnedFingerprints()));
        if (!quiet || !hub.heartbeats().offer(peer.id(), now, skewMs, PROTOCOL_VERSION, caPhase, fingerprints)) {
            lifecycle.recordHeartbeat(peer.id(), now, skewMs, PROTOCOL_VERSION, caPhase, fingerprints);
            // The cached copy of the peer (its state, its pins) may be what just changed.
            hub.accessCache().invalidatePeer(peer.id());
        }
        Map<String, Object> out = heartbeatMessage();
        out.put("renew", shouldRenew(presented, now));
        Map<String, Object> witness = hub.auditWitnessing().witness(peer, body);
        if (witness != null) {
            out.put("audit_witness", witness);
        }
        return out;
    }

    private Map<String, Object> heartbeatMessage() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol_version", PROTOCOL_VERSION);
        m.put("hub_id", hub.hubId());
        m.put("clock", hub.clock().instant().toString());
        m.put("tls_fingerprints", servedFingerprints());
        m.put("ca_phase", phase.get());
        return m;
    }

    /** The fingerprints peers may pin: the served certificate and any still in grace. */
    public List<String> servedFingerprints() {
        Set<String> fps = new LinkedHashSet<>();
        fps.add(hub.tls().current().fingerprint());
        fps.addAll(hub.tls().graceFingerprints());
        return List.copyOf(fps);
    }

    /**
     * Renew at 2/3 of the lifetime, or at once when the certificate is not under the key that
     * signs now: that is how peers move to a new CA key in update_clients (and back after a
     * rollback) without anyone touching them.
     */
    boolean shouldRenew(IssuedCertificate cert, Instant now) {
        Duration life = Duration.between(cert.notBefore(), cert.notAfter());
        boolean aging = now.isAfter(cert.notBefore().plus(life.multipliedBy(2).dividedBy(3)));
        boolean oldSigner = !cert.signerFingerprint().equals(signingFingerprint.get());
        return aging || oldSigner;
    }

    /** Outcome of one heartbeat to one peer. */
    public record SendResult(UUID peerId, boolean ok, String error) {
    }

    /** Sends one heartbeat to every linked peer; failures are counted per peer, never thrown. */
    public List<SendResult> sendHeartbeats() {
        try {
            // Once per tick, not per append: the anchor file and the signed head heartbeats carry.
            hub.auditAnchor().refresh();
        } catch (RuntimeException e) {
            LOG.warn("cannot anchor the audit head this tick", e);
        }
        List<SendResult> results = new ArrayList<>();
        for (Peer peer : peers.list()) {
            if (peer.state() != PeerState.ENROLLED && peer.state() != PeerState.ACTIVE && peer.state() != PeerState.DEGRADED) {
                continue;
            }
            results.add(sendHeartbeat(peer));
        }
        return results;
    }

    public SendResult sendHeartbeat(Peer peer) {
        try {
            if (peer.state() == PeerState.ENROLLED && peer.heartbeatsSent() == 0) {
                complete(peer); // the proposer may have missed step 3; it is idempotent there
            }
            Map<String, Object> message = heartbeatMessage();
            hub.auditWitnessing().addTo(message, peer);
            JsonNode answer = clientFor(peer).post("federation/v1/heartbeat", message);
            delivered(peer.id());
            recordWitness(peer, answer);
            List<String> theirs = new ArrayList<>();
            answer.path("tls_fingerprints").forEach(f -> theirs.add(f.asText()));
            if (!theirs.isEmpty() && !Set.copyOf(theirs).equals(Set.copyOf(peer.pinnedFingerprints()))) {
                peers.repin(peer.id(), theirs);
            }
            if (answer.path("renew").asBoolean(false)) {
                renew(peers.find(peer.id()).orElseThrow());
            }
            return new SendResult(peer.id(), true, null);
        } catch (EntenteException e) {
            deliveryFailed(peer.id(), e.code().code() + ": " + e.detail());
            return new SendResult(peer.id(), false, e.code().code());
        } catch (RuntimeException e) {
            LOG.warn("heartbeat to peer {} failed", peer.id(), e);
            deliveryFailed(peer.id(), String.valueOf(e));
            return new SendResult(peer.id(), false, "internal_error");
        }
    }

    /** A witness answer that cannot be kept is logged, never a failed heartbeat. */
    private void recordWitness(Peer peer, JsonNode answer) {
        try {
            hub.auditWitnessing().recordAnswer(peer, answer);
        } catch (RuntimeException e) {
            LOG.warn("cannot keep peer {}'s audit witness", peer.id(), e);
        }
    }

    /**
     * Counts a delivered heartbeat; the first success after failures is a
     * {@code heartbeat.delivery_recovered} event, so {@code entente events} shows when a link healed.
     */
    private void delivered(UUID peerId) {
        hub.tx().inTransaction(c -> {
            String cleared = peers.countHeartbeatSent(c, peerId);
            if (cleared != null) {
                hub.audit().append(c, AuditEvent.of(EventSource.HEARTBEAT, AuditEventType.HEARTBEAT_DELIVERY_RECOVERED,
                        peerId.toString(), Map.of("previous_error", cleared)));
            }
            return null;
        });
    }

    /**
     * Counts a failed heartbeat; the first failure after a success (or with another error code) is
     * a {@code heartbeat.delivery_failed} event. Repeats of the same code are only counted: a peer
     * down for a day would otherwise write 2,880 identical events.
     */
    private void deliveryFailed(UUID peerId, String error) {
        hub.tx().inTransaction(c -> {
            String before = peers.countHeartbeatFailed(c, peerId, error);
            if (before == null || !errorCode(error).equals(errorCode(before))) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("error", error);
                if (before != null) {
                    details.put("previous_error", before);
                }
                hub.audit().append(c, AuditEvent.of(EventSource.HEARTBEAT, AuditEventType.HEARTBEAT_DELIVERY_FAILED,
                        peerId.toString(), details));
            }
            return null;
        });
    }

    private static String errorCode(String error) {
        int colon = error.indexOf(':');
        return colon < 0 ? error : error.substring(0, colon);
    }

    // ---------------------------------------------------------------- renewal

    /** Our side: a new node key and certificate for talking to {@code peer}. */
    public void renew(Peer peer) {
        KeyPair nodeKey = Certificates.ed25519();
        JsonNode answer = clientFor(peer).post("federation/v1/renew",
                Map.of("protocol_version", PROTOCOL_VERSION, "csr", Certificates.csr(nodeKey, hub.hubId())));
        String pem = answer.path("node_cert").asText();
        X509Certificate cert = certificate(pem, ErrorCode.HANDSHAKE_REJECTED, "the peer answered the renewal without a PEM node_cert");
        if (!cert.getPublicKey().equals(nodeKey.getPublic())) {
            throw new EntenteException(ErrorCode.HANDSHAKE_REJECTED, "the renewed certificate is for another key");
        }
        String keyId = storeNodeKey(peer.id(), nodeKey, cert);
        credentials.recordClientCertificate(peer.id(), pem, keyId);
        hub.tx().inTransaction(c -> hub.audit().append(c, AuditEvent.of(EventSource.RENEWAL, AuditEventType.PEER_CLIENT_CERT_RENEWED,
                peer.id().toString(), Map.of("not_after", cert.getNotAfter().toInstant().toString()))));
    }

    /** The peer's side of renewal: issue under the key that signs now and revoke the superseded certificate. */
    public Map<String, Object> handleRenew(Peer peer, IssuedCertificate presented, Map<String, Object> body) {
        requireProtocol(body);
        byte[] csr = Bodies.string(body, "csr", true).getBytes(StandardCharsets.US_ASCII);
        IssuedCertificate issued = hub.tx().inTransaction(c -> {
            IssuedCertificate next = hub.authority().issue(c, peer.id().toString(), peer.hubId(), csr);
            hub.authority().revoke(c, presented.serial(), "superseded by " + next.serial());
            if (!next.signerFingerprint().equals(presented.signerFingerprint())) {
                recordKeyMove(c, peer, presented, next);
            }
            return next;
        });
        // The superseded certificate stops working now, not when a cached copy of it ages out.
        hub.accessCache().invalidateCertificate(presented.fingerprint());
        credentials.recordNodeCertificate(peer.id(), issued.serial(), issued.notAfter(), issued.signerFingerprint());
        return Map.of("protocol_version", PROTOCOL_VERSION, "node_cert", issued.certificatePem());
    }

    /**
     * A peer renewed onto another CA key: during a rotation that is the laggard list shrinking by
     * itself, which operators follow with {@code entente events --source rotation}; the last one
     * says the next phase may start.
     */
    private void recordKeyMove(Connection c, Peer peer, IssuedCertificate from, IssuedCertificate to) throws SQLException {
        RotationLifecycle.Status status = hub.rotation().status(c);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("peer", peer.name());
        details.put("phase", status.phase().value());
        details.put("from_signer", from.signerFingerprint());
        details.put("to_signer", to.signerFingerprint());
        details.put("laggards_left", status.laggards().size());
        hub.audit().append(c, AuditEvent.of(EventSource.ROTATION, AuditEventType.CA_ROTATION_PEER_MOVED, peer.id().toString(), details));
        if (status.laggards().isEmpty() && status.phase() != RotationState.STANDBY) {
            hub.audit().append(c, AuditEvent.of(EventSource.ROTATION, AuditEventType.CA_ROTATION_LAGGARDS_DRAINED, FederationCa.TYPE,
                    Map.of("phase", status.phase().value(), "last_peer", peer.name())));
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A client for calling {@code peer}: its pinned fingerprints, our node certificate for it. */
    /** The first certificate of a PEM text that came over the wire; anything else is {@code code}, never a 500. */
    private static X509Certificate certificate(String pem, ErrorCode code, String detail) {
        try {
            List<X509Certificate> certs = Certificates.parsePem(pem == null ? "" : pem);
            if (!certs.isEmpty()) {
                return certs.get(0);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal: the parser's message names a JDK class
        }
        throw new EntenteException(code, detail, Map.of("field", "node_cert"));
    }

    public PeerClient clientFor(Peer peer) {
        if (peer.clientCertPem() == null || peer.clientKeyId() == null) {
            throw new EntenteException(ErrorCode.MTLS_CONFIG_PARTIAL, "peer " + peer.id()
                    + " has no client certificate and key on this hub; it is not enrolled");
        }
        StoredKey key = hub.keys().byId(peer.clientKeyId()).orElseThrow(() -> new EntenteException(
                ErrorCode.MTLS_CONFIG_PARTIAL, "peer " + peer.id() + " has a client certificate but its key "
                + peer.clientKeyId() + " is missing; relink the peer"));
        PrivateKey privateKey = Certificates.privateKey(key.algorithm(), key.secret());
        X509Certificate cert = Certificates.parsePem(peer.clientCertPem()).get(0);
        return new PeerClient(peer.url(), Set.copyOf(peer.pinnedFingerprints()), privateKey, cert, Duration.ofSeconds(5));
    }

    static String nodeKeyPurpose(UUID peerId) {
        return "node_" + peerId;
    }

    /** The node key of this hub's accept of {@code proposerHubId}: the one an interrupted accept sealed, or a new one. */
    private KeyPair pendingNodeKey(String proposerHubId) {
        String purpose = "node_pending_" + proposerHubId;
        Optional<StoredKey> sealed = hub.keys().active(purpose);
        if (sealed.isPresent()) {
            return new KeyPair(Certificates.publicKey(sealed.get().algorithm(), sealed.get().publicKey()),
                    Certificates.privateKey(sealed.get().algorithm(), sealed.get().secret()));
        }
        KeyPair keyPair = Certificates.ed25519();
        String id = "node-pending-" + proposerHubId + "-" + Certificates.sha256Hex(keyPair.getPublic().getEncoded()).substring(0, 8);
        hub.tx().inTransaction(c -> hub.keys().store(c, id, purpose, SealedKeyStore.ACTIVE, "Ed25519",
                keyPair.getPublic().getEncoded(), null, null, keyPair.getPrivate().getEncoded(), null));
        return keyPair;
    }

    private void retirePendingNodeKey(String proposerHubId) {
        hub.keys().active("node_pending_" + proposerHubId).ifPresent(k -> hub.tx().inTransaction(c -> {
            hub.keys().setStatus(c, k.id(), SealedKeyStore.RETIRED);
            return null;
        }));
    }

    /** Seals a node key for {@code peerId}; the previous one (if any) retires. */
    private String storeNodeKey(UUID peerId, KeyPair keyPair, X509Certificate cert) {
        String purpose = nodeKeyPurpose(peerId);
        String id = "node-" + peerId + "-" + Certificates.sha256Hex(keyPair.getPublic().getEncoded()).substring(0, 8);
        hub.tx().inTransaction(c -> {
            Optional<StoredKey> previous = hub.keys().active(purpose);
            if (previous.isPresent()) {
                hub.keys().setStatus(c, previous.get().id(), SealedKeyStore.RETIRED);
            }
            hub.keys().store(c, id, purpose, SealedKeyStore.ACTIVE, "Ed25519", keyPair.getPublic().getEncoded(),
                    cert == null ? null : Certificates.toPem(cert), cert == null ? null : Certificates.fingerprint(cert),
                    keyPair.getPrivate().getEncoded(), cert == null ? null : cert.getNotAfter().toInstant());
            return null;
        });
        return id;
    }

    private String suggestName(String remoteName, String remoteHubId) {
        String candidate = remoteName.toLowerCase().replaceAll("[^a-z0-9-]", "-").replaceAll("^-+", "");
        if (candidate.isEmpty() || candidate.length() > 63 || peers.findByName(candidate).isPresent()) {
            candidate = remoteHubId.replace('_', '-');
        }
        return candidate;
    }

    private static void requireProtocol(Map<String, Object> body) {
        Object v = body == null ? null : body.get("protocol_version");
        if (!(v instanceof Number n) || n.intValue() != PROTOCOL_VERSION) {
            throw new EntenteException(ErrorCode.PROTOCOL_VERSION_MISMATCH, "the peer speaks federation protocol "
                    + v + ", this hub speaks " + PROTOCOL_VERSION + "; upgrade the older hub",
                    Map.of("ours", PROTOCOL_VERSION, "theirs", String.valueOf(v)));
        }
    }
}
