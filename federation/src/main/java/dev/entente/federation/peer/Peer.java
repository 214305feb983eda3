package dev.entente.federation.peer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One peer as stored: a row of {@code peers}.
 *
 * @param id                        the peer
 * @param name                      the operator's name for it
 * @param hubId                     the remote hub's id, once known
 * @param url                       the remote hub's public URL, once known
 * @param state                     where the link stands
 * @param version                   bumped by every transition (the optimistic check) except the
 *                                  quiet active → active heartbeat, which only writes heartbeat columns
 * @param tokenDigest               SHA-256 of the outstanding acceptance token; {@code null} once used
 * @param tokenJti                  the acceptance token's id
 * @param tokenExpiresAt            when the acceptance token expires
 * @param pinnedFingerprints        the remote hub's TLS certificate fingerprints we pin
 * @param lastHeartbeatAt           when its last heartbeat arrived
 * @param degradedReason            why the sweep marked it degraded
 * @param suspendedReason           why an operator suspended it
 * @param revokedReason             why an operator revoked it
 * @param lastClockSkewMs           the remote clock minus ours at the last heartbeat
 * @param remoteProtocolVersion     the protocol version of its last heartbeat
 * @param remoteCaPhase             its CA rotation phase at the last heartbeat
 * @param heartbeatsSent            heartbeats we delivered to it
 * @param heartbeatsReceived        heartbeats it delivered to us
 * @param heartbeatsFailed          heartbeats we failed to deliver
 * @param lastHeartbeatError        why the last failed delivery failed
 * @param nodeCertSerial            serial of the node certificate our CA issued for it
 * @param nodeCertNotAfter          when that certificate expires
 * @param nodeCertSignerFingerprint fingerprint of the CA key that signed it (rotation laggards)
 * @param clientCertPem             the client certificate its CA issued to us
 * @param clientKeyId               the sealed key id of that certificate's private key
 * @param createdAt                 when the row was created
 * @param updatedAt                 when it last changed
 * @param stateSince                when it entered its current state
 */
public record Peer(UUID id, String name, String hubId, String url, PeerState state, long version,
                   byte[] tokenDigest, UUID tokenJti, Instant tokenExpiresAt, List<String> pinnedFingerprints,
                   Instant lastHeartbeatAt, String degradedReason, String suspendedReason, String revokedReason,
                   Long lastClockSkewMs, Integer remoteProtocolVersion, String remoteCaPhase,
                   long heartbeatsSent, long heartbeatsReceived, long heartbeatsFailed, String lastHeartbeatError,
                   String nodeCertSerial, Instant nodeCertNotAfter, String nodeCertSignerFingerprint,
                   String clientCertPem, String clientKeyId, Instant createdAt, Instant updatedAt,
                   Instant stateSince) {

    public Peer {
        pinnedFingerprints = pinnedFingerprints == null ? List.of() : List.copyOf(pinnedFingerprints);
        tokenDigest = tokenDigest == null ? null : tokenDigest.clone();
    }

    /** A copy of the token digest (arrays are mutable). */
    @Override
    public byte[] tokenDigest() {
        return tokenDigest == null ? null : tokenDigest.clone();
    }

    /**
     * Whether the sweep should mark this peer degraded at {@code now}: it is active and its last
     * heartbeat is older than {@code staleAfter}. Only active peers go stale; a degraded one
     * already is.
     */
    public boolean isStale(Instant now, Duration staleAfter) {
        return state == PeerState.ACTIVE && heartbeatOverdue(lastHeartbeatAt, now, staleAfter);
    }

    /**
     * Whether this peer is an enrollment the same accepting hub left unfinished (issue 11): still
     * accepted (no certificate exchange completed), with the hub id, URL and TLS fingerprints that
     * hub presents again. Such a peer is resumed by a repeated accept instead of refusing it as a
     * used token; any other accepter, or a peer that got further, is refused.
     */
    public boolean isUnfinishedAcceptBy(String remoteHubId, String remoteUrl, List<String> remoteFingerprints) {
        return state == PeerState.ACCEPTED && hubId != null && hubId.equals(remoteHubId) && url != null
                && url.equals(remoteUrl) && remoteFingerprints != null && !remoteFingerprints.isEmpty()
                && Set.copyOf(pinnedFingerprints).equals(Set.copyOf(remoteFingerprints));
    }

    /** Whether this hub sends the peer heartbeats now (see {@link PeerState#sendsHeartbeats}). */
    public boolean sendsHeartbeats() {
        return state.sendsHeartbeats();
    }

    /**
     * Whether the next heartbeat to this peer first repeats handshake step 3: enrolled and never
     * delivered one, so the proposer may have missed the completion (it is idempotent there).
     */
    public boolean needsCompletionRetry() {
        return state == PeerState.ENROLLED && heartbeatsSent == 0;
    }

    /**
     * Admits a federation call from this peer or says why not: suspended and revoked peers are
     * refused with their own codes, a proposed one was never accepted. Accepted peers are admitted
     * (they complete the handshake over mTLS).
     */
    public Peer admitFederationCall() {
        return switch (state) {
            case SUSPENDED -> throw new EntenteException(ErrorCode.PEER_SUSPENDED, "peer " + name
                    + " is suspended on this hub (" + suspendedReason + "); its calls are refused until resumed");
            case REVOKED -> throw new EntenteException(ErrorCode.PEER_REVOKED, "peer " + name
                    + " is revoked on this hub; link again with a new acceptance token");
            case PROPOSED -> throw new EntenteException(ErrorCode.CLIENT_CERT_UNKNOWN,
                    "the certificate maps to a peer that was never accepted");
            case ACCEPTED, ENROLLED, ACTIVE, DEGRADED -> this;
        };
    }

    /**
     * Refuses a heartbeat from a peer whose enrollment this hub has not completed: accepted, so
     * this hub has no client certificate for it yet; its hub retries step 3 with its next heartbeat.
     */
    public void requireEnrollmentComplete() {
        if (state == PeerState.ACCEPTED) {
            throw new EntenteException(ErrorCode.PEER_ENROLLMENT_INCOMPLETE, "this hub has not received its client "
                    + "certificate for your hub yet (handshake step 3); your hub retries it with its next heartbeat",
                    Map.of("missing", "client_cert"));
        }
    }

    /**
     * Whether a heartbeat from this peer changes nothing but the heartbeat columns, so it may be
     * buffered and written in a batch: the peer is active and the heartbeat repins nothing.
     */
    public boolean isQuietHeartbeat(List<String> servedFingerprints) {
        return state == PeerState.ACTIVE
                && (servedFingerprints.isEmpty() || servedFingerprints.equals(pinnedFingerprints));
    }

    /**
     * Whether an answer carrying {@code served} fingerprints means this peer must be repinned: it
     * named some, and they are not the set pinned now (a TLS rotation on the peer).
     */
    public boolean needsRepin(List<String> served) {
        return !served.isEmpty() && !Set.copyOf(served).equals(Set.copyOf(pinnedFingerprints));
    }

    /**
     * Refuses moving a peer that has no URL to move: a proposed peer learns its URL from the
     * accepting hub, and a revoked one is never called again.
     */
    public void requireUrlChangeable() {
        switch (state) {
            case PROPOSED -> throw new EntenteException(ErrorCode.TRANSITION_REJECTED, "peer " + name
                    + " is proposed: the accepting hub announces its URL when it accepts; allowed in: accepted, "
                    + "enrolled, active, degraded, suspended");
            case REVOKED -> throw new EntenteException(ErrorCode.TRANSITION_REJECTED, "peer " + name
                    + " is revoked: this hub never calls it again; link again with 'entente peers propose'");
            case ACCEPTED, ENROLLED, ACTIVE, DEGRADED, SUSPENDED -> {
                // a linked peer: the heartbeat sender reads the URL afresh every round
            }
        }
    }

    /**
     * Whether this peer is an accept of this hub that a crash cut short (issue 11): still accepted,
     * so it can never finish; a new accept of the same hub replaces it.
     */
    public boolean isUnfinishedAccept() {
        return state == PeerState.ACCEPTED;
    }

    /**
     * Whether this peer blocks a new accept of its hub: it got further than accepted and is not
     * revoked, so it is a link and the operator decides, by revoking it first.
     */
    public boolean blocksNewAccept() {
        return state != PeerState.REVOKED && state != PeerState.ACCEPTED;
    }

    /**
     * The one staleness rule, shared by {@link #isStale}, the {@code heartbeat_overdue} guard and
     * the sweep's query: strictly more than {@code staleAfter} since the last heartbeat. A peer that
     * never sent one is overdue.
     */
    public static boolean heartbeatOverdue(Instant lastHeartbeatAt, Instant now, Duration staleAfter) {
        return lastHeartbeatAt == null || lastHeartbeatAt.plus(staleAfter).isBefore(now);
    }

    /** The peer as the CLI and admin API print it (DESIGN §10); see {@link View}. */
    public View view() {
        NodeCert cert = nodeCertSerial == null ? null : new NodeCert(nodeCertSerial,
                nodeCertNotAfter == null ? null : nodeCertNotAfter.toString(), nodeCertSignerFingerprint);
        return new View(id.toString(), name, hubId, url, state.value(),
                lastHeartbeatAt == null ? null : lastHeartbeatAt.toString(), degradedReason, pinnedFingerprints, cert, version);
    }

    /**
     * The peer as the CLI and admin API print it (DESIGN §10), snake_case keys in this order, nulls
     * written: times are RFC 3339 strings; {@code node_cert} is null until a certificate was issued.
     * Secrets and counters stay out.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"id", "name", "hub_id", "url", "state", "last_heartbeat_at", "degraded_reason", "tls_fingerprints",
            "node_cert", "version"})
    public record View(@JsonProperty("id") String id, @JsonProperty("name") String name,
                       @JsonProperty("hub_id") String hubId, @JsonProperty("url") String url,
                       @JsonProperty("state") String state, @JsonProperty("last_heartbeat_at") String lastHeartbeatAt,
                       @JsonProperty("degraded_reason") String degradedReason,
                       @JsonProperty("tls_fingerprints") List<String> tlsFingerprints,
                       @JsonProperty("node_cert") NodeCert nodeCert, @JsonProperty("version") long version) {
    }

    /** The node certificate this hub issued the peer, as {@link View} shows it. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"serial", "not_after", "signer_fingerprint"})
    public record NodeCert(@JsonProperty("serial") String serial, @JsonProperty("not_after") String notAfter,
                           @JsonProperty("signer_fingerprint") String signerFingerprint) {
    }
}
