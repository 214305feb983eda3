package dev.entente.federation.peer;

import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.data.model.Sort;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Peer rows in PostgreSQL. Creating a peer and the bookkeeping that is not a state change
 * (replacing a token, heartbeat counters, re-pinning) happen here; every state change is a
 * transition through {@link PeerLifecycle}, so state never changes without its audit event.
 */
public final class PeerRepository {
    /** 1–63 characters of {@code [a-z0-9-]}, starting with a letter or digit (a DNS label, minus the trailing rule). */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    static final String COLUMNS = "id, name, hub_id, url, state, version, token_digest, token_jti, token_expires_at, "
            + "pinned_fingerprints, last_heartbeat_at, degraded_reason, suspended_reason, revoked_reason, "
            + "last_clock_skew_ms, remote_protocol_version, remote_ca_phase, heartbeats_sent, heartbeats_received, "
            + "heartbeats_failed, last_heartbeat_error, node_cert_serial, node_cert_not_after, "
            + "node_cert_signer_fingerprint, client_cert_pem, client_key_id, created_at, updated_at, state_since";

    private static final Sort BY_NAME = Sort.of(Sort.Order.asc("name"), Sort.Order.asc("createdAt"), Sort.Order.asc("id"));

    private final Tx tx;
    private final PeerTable rows;

    /**
     * @param rows the generated repository of {@code peers}, of the bean context {@code tx} belongs to
     */
    public PeerRepository(Tx tx, PeerTable rows) {
        this.tx = Objects.requireNonNull(tx, "tx");
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    /** The transaction helper this repository runs on. */
    public Tx tx() {
        return tx;
    }

    /**
     * Stores a new {@code proposed} peer (handshake step 1 on the proposing hub). The token itself
     * is never stored, only its SHA-256 digest. All three token arguments are {@code null} for a
     * drill-mode peer that accepts any caller.
     *
     * @throws EntenteException {@code peer_name_invalid}, {@code peer_name_taken}
     */
    public Peer propose(String name, byte[] tokenDigest, UUID jti, Instant tokenExpiresAt) {
        return tx.inTransaction(c -> propose(c, name, tokenDigest, jti, tokenExpiresAt));
    }

    /** As {@link #propose(String, byte[], UUID, Instant)}, on the caller's transaction. */
    public Peer propose(Connection c, String name, byte[] tokenDigest, UUID jti, Instant tokenExpiresAt)
            throws SQLException {
        validateName(name);
        checkToken(tokenDigest, jti, tokenExpiresAt);
        return insert(c, "INSERT INTO peers (id, name, state, token_digest, token_jti, token_expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS, ps -> {
            ps.setString(2, name);
            ps.setString(3, PeerState.PROPOSED.value());
            ps.setBytes(4, tokenDigest);
            ps.setObject(5, jti);
            ps.setTimestamp(6, tokenExpiresAt == null ? null : Timestamp.from(tokenExpiresAt));
        });
    }

    /**
     * Stores the accepting hub's record of the proposer directly in {@code accepted} (handshake
     * step 2 on the accepting side): we hold the proposer's token, so there is nothing to accept
     * on our side; ENROLL follows once both certificates are exchanged.
     *
     * @param name               our name for the proposer
     * @param hubId              the proposer's hub id (the token's {@code iss})
     * @param url                the proposer's public URL (the token's {@code url})
     * @param pinnedFingerprints the proposer's TLS fingerprint(s) we pinned while connecting
     * @throws EntenteException {@code peer_name_invalid}, {@code peer_name_taken}, {@code peer_hub_id_taken}
     */
    public Peer createAccepted(String name, String hubId, String url, List<String> pinnedFingerprints) {
        return tx.inTransaction(c -> createAccepted(c, name, hubId, url, pinnedFingerprints));
    }

    /** As {@link #createAccepted(String, String, String, List)}, on the caller's transaction. */
    public Peer createAccepted(Connection c, String name, String hubId, String url, List<String> pinnedFingerprints)
            throws SQLException {
        validateName(name);
        Objects.requireNonNull(hubId, "hubId");
        Objects.requireNonNull(url, "url");
        return insert(c, "INSERT INTO peers (id, name, hub_id, url, state, pinned_fingerprints) "
                + "VALUES (?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS, ps -> {
            ps.setString(2, name);
            ps.setString(3, hubId);
            ps.setString(4, url);
            ps.setString(5, PeerState.ACCEPTED.value());
            ps.setArray(6, textArray(c, pinnedFingerprints));
        });
    }

    /**
     * Issues a new acceptance token for a proposed peer: the old one stops working at once
     * (DESIGN §4: a new token clobbers the old one).
     *
     * <p>The version is bumped on purpose: an ACCEPT that already loaded the row and checked the
     * old digest then loses its optimistic save with {@code conflict}, so a leaked token that is
     * being replaced cannot win a race against its own replacement.
     *
     * @throws EntenteException {@code not_found}; {@code acceptance_token_not_replaceable} when the
     *                          peer is no longer proposed
     */
    public Peer replaceToken(UUID id, byte[] tokenDigest, UUID jti, Instant expiresAt) {
        Objects.requireNonNull(tokenDigest, "tokenDigest");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(expiresAt, "expiresAt");
        checkToken(tokenDigest, jti, expiresAt);
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE peers SET token_digest = ?, token_jti = ?, "
                    + "token_expires_at = ?, version = version + 1, updated_at = now() WHERE id = ? AND state = ? "
                    + "RETURNING " + COLUMNS)) {
                ps.setBytes(1, tokenDigest);
                ps.setObject(2, jti);
                ps.setTimestamp(3, Timestamp.from(expiresAt));
                ps.setObject(4, id);
                ps.setString(5, PeerState.PROPOSED.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return read(rs);
                    }
                }
            }
            Peer peer = find(c, id).orElseThrow(() -> notFound(id));
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_NOT_REPLACEABLE, "peer " + peer.name() + " is "
                    + peer.state().value() + "; acceptance tokens are only issued to proposed peers",
                    Map.of("entity", "peer", "id", id.toString(), "state", peer.state().value()));
        });
    }

    public Optional<Peer> find(UUID id) {
        return tx.read(c -> find(c, id));
    }

    /** As {@link #find(UUID)}, in the caller's unit of this repository's {@link Tx}. */
    public Optional<Peer> find(Connection c, UUID id) throws SQLException {
        // hand-written: the federation API's cache-miss path; the generated finder cost ~2× the statement
        return one(c, "SELECT " + COLUMNS + " FROM peers WHERE id = ?", id);
    }

    /** The peer linked to remote hub {@code hubId}: the live one, else the most recently created revoked one. */
    public Optional<Peer> findByHubId(String hubId) {
        // hand-written: Data cannot order by an expression (live before revoked)
        return tx.read(c -> one(c, "SELECT " + COLUMNS + " FROM peers WHERE hub_id = ? "
                + "ORDER BY (state = 'revoked'), created_at DESC, id LIMIT 1", hubId));
    }

    /** The live (not revoked) peer called {@code name}. */
    public Optional<Peer> findByName(String name) {
        return tx.read(c -> rows.findByNameAndStateNotEqual(name, PeerState.REVOKED.value()).map(PeerRow::toPeer));
    }

    /** All peers, revoked ones included, by name then creation. */
    public List<Peer> list() {
        return tx.read(c -> rows.findAll(BY_NAME).stream().map(PeerRow::toPeer).toList());
    }

    /**
     * The peers this hub sends heartbeats to now ({@link PeerState#sendsHeartbeats}), in the
     * order of {@link #list()}: what every heartbeat round reads.
     */
    public List<Peer> listSendingHeartbeats() {
        // hand-written: the Data finder's mapping of every row was a fifth of a round's CPU at 1,000 peers
        List<String> states = Arrays.stream(PeerState.values()).filter(PeerState::sendsHeartbeats).map(PeerState::value).toList();
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM peers WHERE state = ANY (?) "
                    + "ORDER BY name, created_at, id")) {
                ps.setArray(1, textArray(c, states));
                return readAll(ps);
            }
        });
    }

    /**
     * Up to {@code limit} active peers whose last heartbeat is older than {@code staleAfter} at
     * {@code now}, oldest heartbeat first (index {@code peers_state_heartbeat}).
     */
    public List<Peer> listStale(Instant now, Duration staleAfter, int limit) {
        return listStale(now, staleAfter, null, null, limit);
    }

    /**
     * As {@link #listStale(Instant, Duration, int)}, after the cursor {@code (afterHeartbeat, afterId)}:
     * keyset paging, so a peer the sweep could not mark (a concurrent heartbeat won) is not fetched
     * again in the same sweep and the sweep always ends.
     */
    List<Peer> listStale(Instant now, Duration staleAfter, Instant afterHeartbeat, UUID afterId, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        Timestamp cutoff = Timestamp.from(now.minus(staleAfter));
        // hand-written: Data cannot say the keyset condition (last_heartbeat_at, id) > (?, ?)
        return tx.read(c -> {
            String sql = "SELECT " + COLUMNS + " FROM peers WHERE state = 'active' AND last_heartbeat_at < ? "
                    + (afterHeartbeat == null ? "" : "AND (last_heartbeat_at, id) > (?, ?) ")
                    + "ORDER BY last_heartbeat_at, id LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setTimestamp(i++, cutoff);
                if (afterHeartbeat != null) {
                    ps.setTimestamp(i++, Timestamp.from(afterHeartbeat));
                    ps.setObject(i++, afterId);
                }
                ps.setInt(i, limit);
                return readAll(ps);
            }
        });
    }

    /**
     * How many active peers are overdue at {@code now}: no heartbeat, or the last one more than
     * {@code staleAfter} ago (the rule of {@link Peer#heartbeatOverdue}, the predicate the sweep
     * re-checks under the row lock). Served by index {@code peers_state_heartbeat}.
     */
    public int countStale(Instant now, Duration staleAfter) {
        Timestamp cutoff = Timestamp.from(now.minus(staleAfter));
        // hand-written: a derived query cannot group "state = ? AND (a IS NULL OR a < ?)"
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM peers WHERE state = 'active' "
                    + "AND (last_heartbeat_at IS NULL OR last_heartbeat_at < ?)")) {
                ps.setTimestamp(1, cutoff);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** The latest heartbeat any peer sent this hub, or null: read at start, when the previous run last heard a peer. */
    public Instant latestHeartbeat() {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT max(last_heartbeat_at) FROM peers");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp at = rs.getTimestamp(1);
                return at == null ? null : at.toInstant();
            }
        });
    }

    /**
     * How many active or degraded peers our last heartbeat failed to reach (a delivered one
     * clears the error): partners this hub cannot talk to now. One count, for {@code /healthz}.
     */
    public int countUnreachable() {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM peers WHERE state IN ('active', 'degraded') "
                    + "AND last_heartbeat_error IS NOT NULL");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /**
     * Counts a heartbeat we delivered to the peer and clears the last delivery error. A plain
     * update, not a transition: it does not bump the version, so the sender never makes a
     * concurrent transition of the same peer conflict.
     */
    public void countHeartbeatSent(UUID id) {
        tx.inTransaction(c -> countHeartbeatSent(c, id));
    }

    /**
     * {@link #countHeartbeatSent(UUID)} on the caller's transaction.
     *
     * @return the delivery error this success clears, null when the last delivery worked too
     */
    public String countHeartbeatSent(Connection c, UUID id) throws SQLException {
        return countDelivery(c, id, "heartbeats_sent = p.heartbeats_sent + 1, last_heartbeat_error = NULL", null);
    }

    /** Which rows {@link #writeHeartbeats} may write. */
    public enum HeartbeatWrite {
        /**
         * The quiet path (single or batched): only rows still active; a peer that left active
         * meanwhile is not written, and the caller replays its heartbeat through the lifecycle.
         */
        ONLY_ACTIVE,
        /** Inside the HEARTBEAT transition's effect, state unchanged (active → active after a retry). */
        IN_TRANSITION,
        /** Inside the HEARTBEAT transition's effect that changes the state: {@code state_since} moves too. */
        STATE_CHANGED
    }

    /**
     * The one writer of the heartbeat columns of {@code peers} ({@code last_heartbeat_at},
     * {@code degraded_reason}, {@code last_clock_skew_ms}, {@code remote_protocol_version},
     * {@code remote_ca_phase}, {@code heartbeats_received}, the pins a heartbeat carries): the
     * lifecycle's HEARTBEAT effect, its quiet fast path and the coalescer's batch all come here, so
     * the rules (never move {@code last_heartbeat_at} backwards, clear the degraded reason, add
     * every folded heartbeat to the counter) cannot drift apart.
     *
     * @return the version of each row written, by peer id
     */
    public static Map<UUID, Long> writeHeartbeats(Connection c, List<ReceivedHeartbeat> beats, HeartbeatWrite mode)
            throws SQLException {
        // Hand-written: a batched flush (one UPDATE ... FROM unnest(arrays) round trip), which Data cannot say.
        int n = beats.size();
        Map<UUID, Long> written = new java.util.HashMap<>();
        if (n == 0) {
            return written;
        }
        UUID[] ids = new UUID[n];
        String[] at = new String[n];
        Long[] skew = new Long[n];
        Integer[] protocol = new Integer[n];
        String[] phase = new String[n];
        String[] pins = new String[n];
        Integer[] count = new Integer[n];
        for (int i = 0; i < n; i++) {
            ReceivedHeartbeat b = beats.get(i);
            ids[i] = b.peerId();
            // ISO-8601 text, cast by PostgreSQL: no dependence on the session's time zone.
            at[i] = b.at().toString();
            skew[i] = b.clockSkewMs();
            protocol[i] = b.protocolVersion();
            phase[i] = b.caPhase();
            // Fingerprints are lower-case hex: a comma cannot occur in one.
            pins[i] = b.pins().isEmpty() ? null : String.join(",", b.pins());
            count[i] = b.count();
        }
        // Rows locked in id order: two replicas flushing overlapping batches cannot deadlock.
        lockInIdOrder(c, Arrays.asList(ids));
        String sql = "UPDATE peers AS p SET "
                // never move backwards: replicas' clocks differ by a little
                + "last_heartbeat_at = GREATEST(COALESCE(p.last_heartbeat_at, u.at::timestamptz), u.at::timestamptz), "
                + "degraded_reason = NULL, last_clock_skew_ms = u.skew, remote_protocol_version = u.protocol, "
                + "remote_ca_phase = u.phase, heartbeats_received = p.heartbeats_received + u.n, "
                + "pinned_fingerprints = COALESCE(string_to_array(u.pins, ','), p.pinned_fingerprints)"
                + (mode == HeartbeatWrite.STATE_CHANGED ? ", state_since = u.at::timestamptz " : " ")
                + "FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::int[], ?::text[], ?::text[], ?::int[]) "
                + "AS u(id, at, skew, protocol, phase, pins, n) WHERE p.id = u.id"
                + (mode == HeartbeatWrite.ONLY_ACTIVE ? " AND p.state = 'active'" : "")
                + " RETURNING p.id, p.version";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", ids));
            ps.setArray(2, c.createArrayOf("text", at));
            ps.setArray(3, c.createArrayOf("int8", skew));
            ps.setArray(4, c.createArrayOf("int4", protocol));
            ps.setArray(5, c.createArrayOf("text", phase));
            ps.setArray(6, c.createArrayOf("text", pins));
            ps.setArray(7, c.createArrayOf("int4", count));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    written.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
        }
        return written;
    }

    /**
     * Locks the rows of {@code ids} in id order, the order every multi-row writer of {@code peers}
     * takes them in, so that two of them on overlapping rows wait for each other instead of
     * deadlocking. Nothing to do for a single row.
     */
    public static void lockInIdOrder(Connection c, List<UUID> ids) throws SQLException {
        if (ids.size() <= 1) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM peers WHERE id = ANY (?) ORDER BY id FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("uuid", ids.toArray()));
            ps.executeQuery().close();
        }
    }

    /** Counts a heartbeat we failed to deliver and records why (a plain update, see {@link #countHeartbeatSent}). */
    public void countHeartbeatFailed(UUID id, String error) {
        tx.inTransaction(c -> countHeartbeatFailed(c, id, error));
    }

    /**
     * {@link #countHeartbeatFailed(UUID, String)} on the caller's transaction.
     *
     * @return the delivery error recorded before this one, null when the last delivery worked
     */
    public String countHeartbeatFailed(Connection c, UUID id, String error) throws SQLException {
        return countDelivery(c, id, "heartbeats_failed = p.heartbeats_failed + 1, last_heartbeat_error = ?",
                error == null ? "unknown error" : error);
    }

    /** One counting update that also returns the error it replaced, read under the same row lock. */
    private String countDelivery(Connection c, UUID id, String set, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE peers p SET " + set
                + " FROM (SELECT id, last_heartbeat_error FROM peers WHERE id = ? FOR UPDATE) old"
                + " WHERE p.id = old.id RETURNING old.last_heartbeat_error")) {
            int i = 1;
            if (value != null) {
                ps.setString(i++, value);
            }
            ps.setObject(i, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw notFound(id);
                }
                return rs.getString(1);
            }
        }
    }

    /**
     * Replaces the pinned TLS fingerprints of the peer (after the peer rotated its TLS certificate
     * outside a grace window, confirmed out of band by an operator).
     */
    public Peer repin(UUID id, List<String> fingerprints) {
        if (fingerprints == null || fingerprints.isEmpty() || fingerprints.stream().anyMatch(f -> f == null || f.isBlank())) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "repin needs at least one fingerprint");
        }
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE peers SET pinned_fingerprints = ?, "
                    + "updated_at = now() WHERE id = ? RETURNING " + COLUMNS)) {
                ps.setArray(1, textArray(c, fingerprints));
                ps.setObject(2, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return read(rs);
                    }
                    throw notFound(id);
                }
            }
        });
    }

    /**
     * Points the peer at {@code url}, keeping everything else (identity, pins, certificates,
     * grants); the pins follow from the next heartbeat's answer as after a TLS rotation.
     */
    public Peer changeUrl(Connection c, UUID id, String url) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE peers SET url = ?, updated_at = now() WHERE id = ? RETURNING "
                + COLUMNS)) {
            ps.setString(1, url);
            ps.setObject(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return read(rs);
                }
                throw notFound(id);
            }
        }
    }

    /**
     * Checks a peer name: 1–63 characters of {@code [a-z0-9-]} starting with a letter or digit.
     *
     * @throws EntenteException {@code peer_name_invalid}
     */
    public static void validateName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new EntenteException(ErrorCode.PEER_NAME_INVALID, "peer name '" + name + "' is invalid; use 1-63 "
                    + "lower-case letters, digits and hyphens, starting with a letter or digit",
                    Map.of("name", String.valueOf(name)));
        }
    }

    private static void checkToken(byte[] digest, UUID jti, Instant expiresAt) {
        boolean none = digest == null && jti == null && expiresAt == null;
        boolean all = digest != null && jti != null && expiresAt != null;
        // drill mode: the token is still issued and found by its jti, but no digest is kept
        boolean drill = digest == null && jti != null && expiresAt != null;
        if (!none && !all && !drill) {
            throw new IllegalArgumentException("token jti and expiry go together, with a digest unless in drill mode");
        }
        if (digest != null && digest.length != 32) {
            throw new IllegalArgumentException("token digest must be SHA-256 (32 bytes), got " + digest.length);
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static Peer insert(Connection c, String sql, Binder binder) throws SQLException {
        UUID id = UUID.randomUUID();
        // A savepoint keeps the caller's transaction usable after a duplicate: PostgreSQL aborts
        // the whole transaction on an error otherwise, and the caller may want to report and go on.
        var savepoint = c.getAutoCommit() ? null : c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Peer peer = read(rs);
                if (savepoint != null) {
                    c.releaseSavepoint(savepoint);
                }
                return peer;
            }
        } catch (SQLException e) {
            if (savepoint != null) {
                c.rollback(savepoint);
            }
            throw uniqueViolation(e).orElseThrow(() -> e);
        }
    }

    /** Maps a unique violation of the live-name / live-hub-id indexes to its error code. */
    static Optional<EntenteException> uniqueViolation(SQLException e) {
        if (!"23505".equals(e.getSQLState()) || e.getMessage() == null) {
            return Optional.empty();
        }
        if (e.getMessage().contains("peers_name_live")) {
            return Optional.of(new EntenteException(ErrorCode.PEER_NAME_TAKEN,
                    "a peer with this name already exists; choose another name or revoke the existing peer", e));
        }
        if (e.getMessage().contains("peers_hub_id_live")) {
            return Optional.of(new EntenteException(ErrorCode.PEER_HUB_ID_TAKEN,
                    "this remote hub is already linked as another peer; revoke that peer first", e));
        }
        return Optional.empty();
    }

    private static EntenteException notFound(UUID id) {
        return new EntenteException(ErrorCode.NOT_FOUND, "no peer " + id, Map.of("entity", "peer", "id", String.valueOf(id)));
    }

    private static Optional<Peer> one(Connection c, String sql, Object arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            List<Peer> all = readAll(ps);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
        }
    }

    private static List<Peer> readAll(PreparedStatement ps) throws SQLException {
        List<Peer> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(read(rs));
            }
        }
        return out;
    }

    static Array textArray(Connection c, List<String> values) throws SQLException {
        return c.createArrayOf("text", (values == null ? List.<String>of() : values).toArray(new String[0]));
    }

    static Peer read(ResultSet rs) throws SQLException {
        Array fingerprints = rs.getArray("pinned_fingerprints");
        return new Peer(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("hub_id"),
                rs.getString("url"), PeerState.fromValue(rs.getString("state")), rs.getLong("version"),
                rs.getBytes("token_digest"), rs.getObject("token_jti", UUID.class), instant(rs, "token_expires_at"),
                fingerprints == null ? List.of() : Arrays.asList((String[]) fingerprints.getArray()),
                instant(rs, "last_heartbeat_at"), rs.getString("degraded_reason"), rs.getString("suspended_reason"),
                rs.getString("revoked_reason"), rs.getObject("last_clock_skew_ms", Long.class),
                rs.getObject("remote_protocol_version", Integer.class), rs.getString("remote_ca_phase"),
                rs.getLong("heartbeats_sent"), rs.getLong("heartbeats_received"), rs.getLong("heartbeats_failed"),
                rs.getString("last_heartbeat_error"), rs.getString("node_cert_serial"),
                instant(rs, "node_cert_not_after"), rs.getString("node_cert_signer_fingerprint"),
                rs.getString("client_cert_pem"), rs.getString("client_key_id"), instant(rs, "created_at"),
                instant(rs, "updated_at"), instant(rs, "state_since"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }
}
