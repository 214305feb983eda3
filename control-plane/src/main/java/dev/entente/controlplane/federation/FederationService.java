package dev.entente.controlplane.federation;

import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.federation.handshake.HandshakeAccepter;
import dev.entente.federation.handshake.HandshakeConfiguration;
import dev.entente.federation.handshake.HandshakeProposer;
import dev.entente.federation.handshake.NodeKeys;
import dev.entente.federation.heartbeat.HeartbeatReceiver;
import dev.entente.federation.heartbeat.HeartbeatSender;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.protocol.FederationProtocol;
import dev.entente.federation.protocol.HandshakeAccept;
import dev.entente.federation.protocol.HandshakeAcceptAnswer;
import dev.entente.federation.protocol.HandshakeComplete;
import dev.entente.federation.protocol.HandshakeCompleteAnswer;
import dev.entente.federation.protocol.Heartbeat;
import dev.entente.federation.protocol.HeartbeatAnswer;
import dev.entente.federation.protocol.LocalHub;
import dev.entente.federation.protocol.RenewalAnswer;
import dev.entente.federation.protocol.RenewalRequest;
import dev.entente.federation.protocol.ReenrolRequest;
import dev.entente.federation.reenrol.Reenrolment;
import dev.entente.federation.renewal.Renewal;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The shell's entry to the federation protocol (DESIGN §4), which lives in the {@code federation}
 * module: the handshake on both sides, heartbeats and renewal, carried over HTTPS by
 * {@link HttpsPeerTransport}. Controllers, the CLI's approvals and the worker call it; it only
 * names the peer an operator means and hands the protocol its typed messages.
 */
public final class FederationService {
    /** The federation protocol this hub speaks; a peer speaking another is refused with both versions. */
    public static final int PROTOCOL_VERSION = FederationProtocol.VERSION;
    /** Longest lifetime of an acceptance token ({@code peers propose --expires-in}, {@code peers token --expires-in}). */
    public static final Duration MAX_TOKEN_TTL = HandshakeConfiguration.MAX_TOKEN_TTL;

    private final LocalHub hub;
    private final PeerRepository peers;
    private final PeerLifecycle lifecycle;
    private final HandshakeProposer proposer;
    private final HandshakeAccepter accepter;
    private final HeartbeatSender sender;
    private final HeartbeatReceiver receiver;
    private final Renewal renewal;
    private final Reenrolment reenrolment;
    private final NodeKeys nodeKeys;
    private final HttpsPeerTransport transport;
    private final Clock clock;

    public FederationService(LocalHub hub, PeerRepository peers, PeerLifecycle lifecycle, HandshakeProposer proposer,
                             HandshakeAccepter accepter, HeartbeatSender sender, HeartbeatReceiver receiver,
                             Renewal renewal, Reenrolment reenrolment, NodeKeys nodeKeys, HttpsPeerTransport transport,
                             Clock clock) {
        this.hub = hub;
        this.peers = peers;
        this.lifecycle = lifecycle;
        this.proposer = proposer;
        this.accepter = accepter;
        this.sender = sender;
        this.receiver = receiver;
        this.renewal = renewal;
        this.reenrolment = reenrolment;
        this.nodeKeys = nodeKeys;
        this.transport = transport;
        this.clock = clock;
    }

    public PeerRepository peers() {
        return peers;
    }

    /** This hub's side of the handshake as proposer (operator commands propose through it). */
    public HandshakeProposer proposer() {
        return proposer;
    }

    /** This hub's side of the handshake as accepter (operator commands accept through it). */
    public HandshakeAccepter accepter() {
        return accepter;
    }

    public PeerLifecycle lifecycle() {
        return lifecycle;
    }

    /** The heartbeat rounds the worker runs. */
    public HeartbeatSender heartbeatSender() {
        return sender;
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
        static Proposal of(HandshakeProposer.Proposal p) {
            return new Proposal(p.peer(), p.acceptanceToken());
        }
    }

    public Proposal propose(String name, Duration ttl, String operator) {
        return Proposal.of(proposer.propose(name, ttl, operator));
    }

    /** A new token for a proposed peer; the old one stops working at once. */
    public Proposal newToken(UUID id, Duration ttl, String operator) {
        return Proposal.of(proposer.newToken(id, ttl, operator));
    }

    /** {@code peers accept TOKEN}: this hub accepts another hub's proposal. */
    public Peer accept(String token, String name, String operator) {
        return accepter.accept(token, name, operator);
    }

    /** Handshake step 3 to the proposer {@code peer} (idempotent there). */
    public void complete(Peer peer) {
        accepter.complete(peer);
    }

    public HandshakeAcceptAnswer handshakeAccept(HandshakeAccept request) {
        return proposer.accept(request);
    }

    public HandshakeCompleteAnswer handshakeComplete(Peer peer, IssuedCertificate presented, HandshakeComplete request) {
        return proposer.complete(peer, presented, request);
    }

    public HeartbeatAnswer receiveHeartbeat(Peer peer, IssuedCertificate presented, Heartbeat heartbeat) {
        return receiver.receive(peer, presented, heartbeat);
    }

    public RenewalAnswer handleRenew(Peer peer, IssuedCertificate presented, RenewalRequest request) {
        return renewal.handle(peer, presented, request);
    }

    /** Re-enrolment of locked-out links, both sides (operator commands mint and use tokens through it). */
    public Reenrolment reenrolment() {
        return reenrolment;
    }

    /** A locked-out peer presents its re-enrolment token, with its dead node certificate as {@code presented}. */
    public HandshakeAcceptAnswer handleReenrol(ReenrolRequest request, Optional<X509Certificate> presented) {
        return reenrolment.handle(request, presented);
    }

    /** One heartbeat round now (the worker's task passes its firing time to the sender itself). */
    public List<HeartbeatSender.SendResult> sendHeartbeats() {
        return sender.sendHeartbeats(clock.instant());
    }

    public HeartbeatSender.SendResult sendHeartbeat(Peer peer) {
        return sender.sendHeartbeat(peer);
    }

    /** Our node certificate for {@code peer} renewed now. */
    public void renew(Peer peer) {
        renewal.renew(peer);
    }

    /** The fingerprints peers may pin: the served certificate, any still in grace, and the next one of a renewal. */
    public List<String> servedFingerprints() {
        return hub.servedFingerprints();
    }

    /** A client for calling {@code peer}: its pinned fingerprints, our node certificate for it. */
    public PeerClient clientFor(Peer peer) {
        return transport.client(nodeKeys.endpoint(peer));
    }
}
