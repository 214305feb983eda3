package dev.entente.federation.protocol;

/**
 * The calls one hub makes to another (DESIGN §4). The protocol code decides what to send and
 * what an answer means; the transport only carries it (control-plane: HTTPS with the peer's
 * fingerprint pinned and our node certificate as the client certificate). Every failure is an
 * {@link dev.entente.lifecycle.error.EntenteException} with a code ({@code peer_unreachable},
 * {@code handshake_fingerprint_mismatch}, {@code handshake_rejected}), never anything else.
 */
public interface PeerTransport {
    /** Handshake step 2: the accepter presents the token and its CSR to the proposer. */
    HandshakeAcceptAnswer accept(PeerEndpoint proposer, HandshakeAccept request);

    /** Handshake step 3: the accepter hands the proposer its node certificate, over mTLS. */
    HandshakeCompleteAnswer complete(PeerEndpoint proposer, HandshakeComplete request);

    /** One heartbeat; the answer is the peer's heartbeat. */
    HeartbeatAnswer heartbeat(PeerEndpoint peer, Heartbeat heartbeat);

    /**
     * Whether the hub at {@code peer}'s URL answers, with the pinned certificate: the proposer's
     * check of the URL an accepting hub announced. Returns the hub id it answers with.
     */
    String ping(PeerEndpoint peer);

    /** A new node certificate for a new key. */
    RenewalAnswer renew(PeerEndpoint peer, RenewalRequest request);
}
