package dev.entente.federation.peer;

import dev.entente.lifecycle.engine.BulkEffect;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.engine.BulkTransitionResult;
import dev.entente.lifecycle.engine.Effect;
import dev.entente.lifecycle.engine.LifecycleDefinition;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.lifecycle.engine.SqlFragment;
import dev.entente.lifecycle.engine.TableBinding;
import dev.entente.lifecycle.engine.TransitionContext;
import dev.entente.lifecycle.engine.TransitionResult;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The peer lifecycle: its definition and one verb-named operation per move. Each operation is
 * one engine transition; the columns it fills are written by its effect, so they commit with the
 * state change and its audit event or not at all, and only if the optimistic save won.
 *
 * <p>Every effect that changes the state stamps {@code state_since}; the internal active→active
 * heartbeat does not, since the peer has been active since the first one. That heartbeat is a
 * quiet transition: it writes its columns without a version bump or an audit event.
 *
 * <p>The stale sweep is the one set-based move ({@link #markAllStale}): many peers per statement,
 * one audit event per batch.
 */
public final class PeerLifecycle {
    /** Actor recorded for the stale sweep's moves. */
    public static final String SYSTEM_ACTOR = EventSource.HEARTBEAT_SWEEP.actor();

    /**
     * The definition: table {@code peers}, audit types {@code peer.<state>}. Public so the
     * integrator can add it to the generated {@code docs/state-machines.md}.
     */
    public static final LifecycleDefinition<PeerState, PeerEvent> DEFINITION = new LifecycleDefinition<>(
            "peer", PeerState.class, PeerEvent.class, PeerTransitions.TABLE, PeerState.PROPOSED,
            TableBinding.of("peers"), "peer");

    /** Read from the table, not assumed: the fast heartbeat path exists only while the table says quiet. */
    private static final boolean ACTIVE_HEARTBEAT_IS_QUIET = DEFINITION.transition(PeerState.ACTIVE, PeerEvent.HEARTBEAT)
            .map(t -> t.internal() && t.quiet()).orElse(false);

    /**
     * What the accepting hub told us about itself in the handshake, stored by ACCEPT on the
     * proposing side.
     *
     * @param hubId           its hub id
     * @param url             its public URL
     * @param tlsFingerprints its TLS certificate fingerprint(s), pinned from now on
     */
    public record RemoteHub(String hubId, String url, List<String> tlsFingerprints, String nodeKeySha256) {
        public RemoteHub {
            Objects.requireNonNull(hubId, "hubId");
            tlsFingerprints = tlsFingerprints == null ? List.of() : List.copyOf(tlsFingerprints);
        }

        public RemoteHub(String hubId, String url, List<String> tlsFingerprints) {
            this(hubId, url, tlsFingerprints, null);
        }
    }

    private final LifecycleEngine engine;
    private final PeerRevocationHook revocationHook;
    private final PeerLifecycleConfiguration configuration;

    /**
     * @param engine         the lifecycle engine
     * @param revocationHook what else REVOKE does in its transaction (certificates, grants)
     * @param configuration  stale-after and drill mode
     */
    public PeerLifecycle(LifecycleEngine engine, PeerRevocationHook revocationHook,
                         PeerLifecycleConfiguration configuration) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.revocationHook = revocationHook == null ? PeerRevocationHook.NONE : revocationHook;
        this.configuration = Objects.requireNonNull(configuration, "configuration");
    }

    /** With no revocation hook. */
    public PeerLifecycle(LifecycleEngine engine, PeerLifecycleConfiguration configuration) {
        this(engine, PeerRevocationHook.NONE, configuration);
    }

    public PeerLifecycleConfiguration configuration() {
        return configuration;
    }

    /** SHA-256 of an acceptance token as presented (its compact JWS form, UTF-8): what peers store. */
    public static byte[] tokenDigest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@link #accept(UUID, byte[], Instant, RemoteHub)} without recording who accepted. */
    public TransitionResult<PeerState> accept(UUID id, byte[] tokenDigest, Instant now) {
        return accept(id, tokenDigest, now, null);
    }

    /**
     * The remote hub presented the acceptance token whose digest is {@code tokenDigest} at
     * {@code now}: proposed → accepted, the stored digest is cleared (single use), and
     * {@code remote} (when given) is recorded as the peer's hub id, URL and pinned fingerprints.
     *
     * <p>Accepting an already accepted peer is an error, not a no-op, with one exception: the
     * handshake signs a CSR when accept succeeds, so a replayed token must never look like success
     * to anyone but the accepter that consumed it. When that same hub comes back (same hub id, URL
     * and TLS fingerprints, {@link Peer#isUnfinishedAcceptBy}) before the enrollment completed,
     * because a crash on either side cut the handshake short (issue 11), the result is a no-op
     * ({@code changed() == false}) and the caller answers the enrollment again. The caller must
     * have found the peer by the token's id after verifying the token's signature: the digest
     * that would prove it is the same token is already cleared.
     *
     * @throws EntenteException {@code acceptance_token_mismatch}, {@code acceptance_token_expired},
     *                          {@code acceptance_token_required}; {@code transition_rejected} when the
     *                          peer is not proposed (the token was used); {@code conflict} when a
     *                          concurrent accept or token replacement won; {@code peer_hub_id_taken}
     */
    public TransitionResult<PeerState> accept(UUID id, byte[] tokenDigest, Instant now, RemoteHub remote) {
        Objects.requireNonNull(now, "now");
        TransitionContext context = TransitionContext.of(PeerTransitions.TOKEN_DIGEST,
                        tokenDigest == null ? null : tokenDigest.clone())
                .with(PeerTransitions.NOW, now)
                .with(PeerTransitions.DRILL_MODE, configuration.drillMode());
        TransitionResult<PeerState> result = engine.apply(DEFINITION, id, PeerEvent.ACCEPT,
                EventSource.HANDSHAKE.actor(), context, remote == null ? Map.of() : Map.of("hub_id", remote.hubId()),
                (c, row, from, to, ctx) -> {
                    StringBuilder sql = new StringBuilder("UPDATE peers SET token_digest = NULL, state_since = ?");
                    if (remote != null) {
                        sql.append(", hub_id = ?, url = ?, pinned_fingerprints = ?, accepter_key_sha256 = ?");
                    }
                    sql.append(" WHERE id = ?");
                    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                        int i = 1;
                        ps.setTimestamp(i++, Timestamp.from(now));
                        if (remote != null) {
                            ps.setString(i++, remote.hubId());
                            ps.setString(i++, remote.url());
                            ps.setArray(i++, PeerRepository.textArray(c, remote.tlsFingerprints()));
                            ps.setString(i++, remote.nodeKeySha256());
                        }
                        ps.setObject(i, row.uuid("id"));
                        ps.executeUpdate();
                    } catch (SQLException e) {
                        throw PeerRepository.uniqueViolation(e).orElseThrow(() -> e);
                    }
                });
        if (!result.changed()) {
            if (result.from() == PeerState.ACCEPTED && remote != null && engine.tx().read(c -> peerRow(c, id))
                    .map(p -> p.isUnfinishedAcceptBy(remote.hubId(), remote.url(), remote.tlsFingerprints()))
                    .orElse(false) && sameAccepterKey(id, remote.nodeKeySha256())) {
                return result;
            }
            throw singleUse(id, result.from());
        }
        return result;
    }

    /**
     * The resumed accept must come with the node key of the first one: the token's digest is gone,
     * so holding a leaked token and the accepter's public hub id, URL and fingerprint is not
     * enough to get a certificate. (A row accepted before V12 recorded no key: then the hub id,
     * URL and fingerprints decide, as they did.)
     */
    private boolean sameAccepterKey(UUID id, String nodeKeySha256) {
        String recorded = engine.tx().read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT accepter_key_sha256 FROM peers WHERE id = ?")) {
                ps.setObject(1, id);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        return recorded == null || recorded.equals(nodeKeySha256);
    }

    private static java.util.Optional<Peer> peerRow(java.sql.Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PeerRepository.COLUMNS + " FROM peers WHERE id = ?")) {
            ps.setObject(1, id);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.of(PeerRepository.read(rs)) : java.util.Optional.empty();
            }
        }
    }

    /**
     * Both halves of the certificate exchange are stored: accepted → enrolled. Repeating it on an
     * enrolled peer is a no-op ({@code changed() == false}) and stores nothing: callers must not
     * hand out a freshly issued certificate on a no-op.
     *
     * @param nodeCertSerial    serial of the node certificate our CA issued for the peer
     * @param nodeCertNotAfter  its expiry
     * @param signerFingerprint fingerprint of the CA key that signed it
     * @param clientCertPem     the client certificate the peer's CA issued to us
     * @param clientKeyId       the sealed key id of its private key
     * @throws EntenteException {@code peer_enrollment_incomplete} when a half is missing
     */
    public TransitionResult<PeerState> enroll(UUID id, String nodeCertSerial, Instant nodeCertNotAfter,
                                              String signerFingerprint, String clientCertPem, String clientKeyId) {
        Instant now = engine.clock().instant();
        TransitionContext context = TransitionContext.of(PeerTransitions.NODE_CERT_SERIAL, nodeCertSerial)
                .with(PeerTransitions.CLIENT_CERT_PEM, clientCertPem)
                .with(PeerTransitions.CLIENT_KEY_ID, clientKeyId)
                .with(PeerTransitions.NOW, now);
        return engine.apply(DEFINITION, id, PeerEvent.ENROLL, EventSource.HANDSHAKE.actor(), context,
                nodeCertSerial == null ? Map.of() : Map.of("node_cert_serial", nodeCertSerial),
                (c, row, from, to, ctx) -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE peers SET node_cert_serial = ?, "
                            + "node_cert_not_after = ?, node_cert_signer_fingerprint = ?, client_cert_pem = ?, "
                            + "client_key_id = ?, state_since = ? WHERE id = ?")) {
                        ps.setString(1, nodeCertSerial);
                        ps.setTimestamp(2, nodeCertNotAfter == null ? null : Timestamp.from(nodeCertNotAfter));
                        ps.setString(3, signerFingerprint);
                        ps.setString(4, clientCertPem);
                        ps.setString(5, clientKeyId);
                        ps.setTimestamp(6, Timestamp.from(now));
                        ps.setObject(7, row.uuid("id"));
                        ps.executeUpdate();
                    }
                });
    }

    /**
     * A heartbeat from the peer arrived at {@code now}: enrolled or degraded → active, active stays
     * active. Records what the peer reported and clears {@code degraded_reason}.
     *
     * <p>On an active peer this is a quiet internal transition: the engine locks the row, checks
     * its version is the one it loaded, and writes the heartbeat columns without bumping the
     * version or appending an audit event (a peer heartbeating every 30 s would otherwise add
     * ~2,880 audit events a day and serialise heartbeat ingestion on the audit lock). The sweep
     * does not need a version bump to lose against it: it re-checks {@code last_heartbeat_at} in
     * SQL on the locked row, so a heartbeat that commits first keeps the peer active, and one
     * still holding the row lock makes the sweep skip the peer. When the sweep commits first, the
     * version check fails with {@code conflict} and the heartbeat is retried once: it then finds
     * the peer degraded and recovers it at once (degraded → active, audited) rather than a period
     * later. Enrolled → active and degraded → active change the state and are audited as always.
     *
     * @param clockSkewMs           the peer's clock minus ours, in milliseconds
     * @param remoteProtocolVersion the protocol version the peer speaks
     * @param remoteCaPhase         the peer's CA rotation phase
     * @param fingerprints          the TLS fingerprints the peer serves (old and new in a rotation
     *                              grace window); when non-empty they replace the pins, since the
     *                              heartbeat arrived over mTLS under the peer's node certificate
     */
    public TransitionResult<PeerState> recordHeartbeat(UUID id, Instant now, Long clockSkewMs,
                                                       Integer remoteProtocolVersion, String remoteCaPhase,
                                                       List<String> fingerprints) {
        Objects.requireNonNull(now, "now");
        return recordHeartbeat(ReceivedHeartbeat.one(id, now, clockSkewMs, remoteProtocolVersion, remoteCaPhase,
                fingerprints));
    }

    /**
     * {@link #recordHeartbeat(UUID, Instant, Long, Integer, String, List)} for one heartbeat or
     * several folded into one (the coalescer replaying a buffered batch): the counter grows by
     * {@link ReceivedHeartbeat#count()}.
     */
    public TransitionResult<PeerState> recordHeartbeat(ReceivedHeartbeat beat) {
        UUID id = beat.peerId();
        TransitionContext context = TransitionContext.of(PeerTransitions.NOW, beat.at());
        Effect effect = (c, row, from, to, ctx) -> PeerRepository.writeHeartbeats(c,
                List.of(beat),
                from != to ? PeerRepository.HeartbeatWrite.STATE_CHANGED : PeerRepository.HeartbeatWrite.IN_TRANSITION);
        String actor = EventSource.HEARTBEAT.actor();
        if (ACTIVE_HEARTBEAT_IS_QUIET) {
            // The common case, thousands a minute: an active peer's heartbeat is a quiet internal
            // transition in the table, so it is only its effect. One auto-commit UPDATE guarded by
            // the state does it; the set-based sweep re-checks last_heartbeat_at under its row
            // lock, so no version bump is needed. Any other state takes the full engine path.
            Long version = engine.tx().read(c -> PeerRepository.writeHeartbeats(c, List.of(beat),
                    PeerRepository.HeartbeatWrite.ONLY_ACTIVE).get(id));
            if (version != null) {
                return new TransitionResult<>(PeerState.ACTIVE, PeerState.ACTIVE, version, true);
            }
        }
        try {
            return engine.apply(DEFINITION, id, PeerEvent.HEARTBEAT, actor, context, effect);
        } catch (EntenteException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            return engine.apply(DEFINITION, id, PeerEvent.HEARTBEAT, actor, context, effect);
        }
    }

    /**
     * The sweep found no heartbeat for longer than stale-after at {@code now}: active → degraded,
     * with a {@code degraded_reason} such as {@code no heartbeat for 7s (stale-after 5s)}. A peer
     * already degraded is a no-op.
     *
     * @throws EntenteException {@code peer_not_stale} when a heartbeat arrived meanwhile
     */
    public TransitionResult<PeerState> markStale(UUID id, Instant now) {
        Objects.requireNonNull(now, "now");
        Duration staleAfter = configuration.staleAfter();
        TransitionContext context = TransitionContext.of(PeerTransitions.NOW, now)
                .with(PeerTransitions.STALE_AFTER, staleAfter);
        return engine.apply(DEFINITION, id, PeerEvent.STALE, SYSTEM_ACTOR, context,
                Map.of("stale_after", Durations.describe(staleAfter)), (c, row, from, to, ctx) -> {
                    Instant last = row.instant("last_heartbeat_at");
                    String reason = last == null
                            ? "no heartbeat since it became active (stale-after " + Durations.describe(staleAfter) + ")"
                            : "no heartbeat for " + Durations.describe(Duration.between(last, now))
                            + " (stale-after " + Durations.describe(staleAfter) + ")";
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE peers SET degraded_reason = ?, state_since = ? WHERE id = ?")) {
                        ps.setString(1, reason);
                        ps.setTimestamp(2, Timestamp.from(now));
                        ps.setObject(3, row.uuid("id"));
                        ps.executeUpdate();
                    }
                });
    }

    /**
     * Marks every active peer whose heartbeat is overdue at {@code now} degraded, set-based: the
     * engine's bulk transition moves up to {@code batchSize} peers per statement and appends one
     * {@code peer.degraded} audit event per batch (details: {@code ids}, {@code count},
     * {@code stale_after}). {@code degraded_reason} is computed per row in SQL with the same
     * wording as {@link #markStale} ({@code no heartbeat for 7s (stale-after 5s)}), and
     * {@code state_since} is {@code now}.
     *
     * <p>The {@code heartbeat_overdue} guard becomes SQL here, {@code last_heartbeat_at IS NULL OR
     * last_heartbeat_at < now - stale-after} (the rule of {@link Peer#heartbeatOverdue}), so that
     * PostgreSQL evaluates it on the locked row: a heartbeat that committed first wins. Peers
     * locked by a writer in flight are skipped and re-examined on the next run; concurrent sweeps
     * split the peers between them ({@code FOR UPDATE SKIP LOCKED}) and never mark one twice.
     *
     * @return the ids marked and how many batches (audit events) it took
     */
    public BulkTransitionResult<PeerState> markAllStale(Instant now, int batchSize) {
        Objects.requireNonNull(now, "now");
        Duration staleAfter = configuration.staleAfter();
        String threshold = Durations.describe(staleAfter);
        Timestamp at = Timestamp.from(now);
        SqlFragment overdue = SqlFragment.of("last_heartbeat_at IS NULL OR last_heartbeat_at < ?",
                Timestamp.from(now.minus(staleAfter)));
        Map<String, SqlFragment> set = new LinkedHashMap<>();
        set.put("degraded_reason", SqlFragment.of("CASE WHEN last_heartbeat_at IS NULL THEN ? "
                        + "ELSE 'no heartbeat for ' || "
                        + Durations.sqlDescribe("extract(epoch FROM ?::timestamptz - last_heartbeat_at)")
                        + " || ? END",
                "no heartbeat since it became active (stale-after " + threshold + ")", at,
                " (stale-after " + threshold + ")"));
        set.put("state_since", SqlFragment.of("?", at));
        return engine.applyBulk(DEFINITION, PeerState.ACTIVE, PeerEvent.STALE, SYSTEM_ACTOR, overdue, set,
                Map.of("stale_after", threshold), BulkEffect.NONE, batchSize);
    }

    /**
     * {@code operator} suspends the peer for {@code reason}: the federation API refuses it and its
     * heartbeats are rejected until {@link #resume}. Suspending a suspended peer is a no-op.
     *
     * @throws EntenteException {@code peer_reason_required}
     */
    public TransitionResult<PeerState> suspend(UUID id, String operator, String reason) {
        Objects.requireNonNull(operator, "operator");
        Instant now = engine.clock().instant();
        return engine.apply(DEFINITION, id, PeerEvent.SUSPEND, operator, reasonContext(reason, now),
                reasonDetails(reason), setReason("suspended_reason", reason, now));
    }

    /** {@code operator} lifts a suspension: suspended → enrolled, active again on the next heartbeat. */
    public TransitionResult<PeerState> resume(UUID id, String operator) {
        Objects.requireNonNull(operator, "operator");
        Instant now = engine.clock().instant();
        return engine.apply(DEFINITION, id, PeerEvent.RESUME, operator, TransitionContext.of(PeerTransitions.NOW, now),
                setReason("suspended_reason", null, now));
    }

    /**
     * {@code operator} ends the link for {@code reason}: any state but revoked → revoked. In the
     * same transaction the outstanding acceptance token is cleared and the revocation hook runs
     * (node certificates, grants), so either all of it happens or none. Revoking a revoked peer
     * is a no-op.
     *
     * @throws EntenteException {@code peer_reason_required}
     */
    public TransitionResult<PeerState> revoke(UUID id, String operator, String reason) {
        Objects.requireNonNull(operator, "operator");
        Instant now = engine.clock().instant();
        Effect record = setReason("revoked_reason", reason, now);
        return engine.apply(DEFINITION, id, PeerEvent.REVOKE, operator, reasonContext(reason, now),
                reasonDetails(reason), (c, row, from, to, ctx) -> {
                    record.run(c, row, from, to, ctx);
                    try (PreparedStatement ps = c.prepareStatement("UPDATE peers SET token_digest = NULL WHERE id = ?")) {
                        ps.setObject(1, row.uuid("id"));
                        ps.executeUpdate();
                    }
                    revocationHook.onRevoke(c, row.uuid("id"), reason);
                });
    }

    private static TransitionContext reasonContext(String reason, Instant now) {
        return TransitionContext.of(PeerTransitions.REASON, reason).with(PeerTransitions.NOW, now);
    }

    private static Map<String, String> reasonDetails(String reason) {
        return reason == null ? Map.of() : Map.of("reason", reason);
    }

    // Column names are constants of this class, never caller input.
    private static Effect setReason(String column, String value, Instant now) {
        return (c, row, from, to, context) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE peers SET " + column + " = ?, state_since = ? WHERE id = ?")) {
                ps.setString(1, value);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setObject(3, row.uuid("id"));
                ps.executeUpdate();
            }
        };
    }

    private static EntenteException singleUse(UUID id, PeerState state) {
        return DEFINITION.rejection(id, state, PeerEvent.ACCEPT, "cannot accept "
                + ("aeiou".indexOf(state.value().charAt(0)) >= 0 ? "an " : "a ") + state.value()
                + " peer; acceptance tokens are single-use", Map.of());
    }
}
