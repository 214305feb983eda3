package dev.entente.lifecycle.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The append-only audit log. Each event carries {@code HMAC-SHA256(key, prev_hmac || event)},
 * so editing, deleting or reordering rows breaks the chain at the first altered event.
 *
 * <p>Appends run on the caller's connection, inside the caller's transaction: an audited change
 * and its event commit or roll back together. The chain head row is locked for the rest of that
 * transaction, which serialises appenders across threads and replicas (a fork would be
 * indistinguishable from tampering).
 */
public final class AuditLog {
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();
    private static final int FETCH = 1_000;

    private final AuditKeyring keys;
    private final Clock clock;

    public AuditLog(AuditKeyring keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** Appends one event on {@code c} (which must not be in auto-commit) and returns its seq. */
    public long append(Connection c, AuditEvent event) throws SQLException {
        long prevSeq;
        byte[] prevHmac;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hmac FROM audit_head WHERE singleton FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("audit_head row is missing: migrations incomplete");
            }
            prevSeq = rs.getLong(1);
            prevHmac = rs.getBytes(2);
        }
        long seq = prevSeq + 1;
        // PostgreSQL keeps microseconds: truncate before MACing so verification sees the same instant.
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        String details = canonicalJson(event.details());
        AuditKey key = keys.current();
        AuditRecord record = new AuditRecord(seq, at, event.type(), event.code(), event.actor(), event.subject(),
                details, key.id());
        byte[] hmac = hmac(key.secret(), prevHmac, record);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_events (seq, at, type, code, actor, subject, details, key_id, prev_hmac, hmac) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, seq);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, record.type());
            ps.setString(4, record.code());
            ps.setString(5, record.actor());
            ps.setString(6, record.subject());
            ps.setString(7, details);
            ps.setString(8, key.id());
            ps.setBytes(9, prevHmac);
            ps.setBytes(10, hmac);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hmac = ? WHERE singleton")) {
            ps.setLong(1, seq);
            ps.setBytes(2, hmac);
            ps.executeUpdate();
        }
        return seq;
    }

    /**
     * Walks the whole chain in order and names the first event that does not verify: a gap in
     * the sequence, a {@code prev_hmac} that is not its predecessor's HMAC, an HMAC that does not
     * recompute, an unknown key id, or a head that disagrees with the last event (a cut tail).
     *
     * <p>On an auto-commit connection it reads one consistent snapshot in its own (rolled back)
     * transaction; inside the caller's transaction it reads in (and leaves open) that one.
     */
    public AuditVerification verify(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        if (autoCommit) {
            // A cursor (fetch size honoured) needs a transaction in PostgreSQL's driver. One
            // REPEATABLE READ snapshot for the head and the events: under READ COMMITTED an append
            // committing between the two reads would show events past the head and be reported
            // as tampering.
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setAutoCommit(false);
        }
        // else: the caller's transaction (and its snapshot) is used as is and left open.
        try {
            long headSeq;
            byte[] headHmac;
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hmac FROM audit_head WHERE singleton");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                headSeq = rs.getLong(1);
                headHmac = rs.getBytes(2);
            }
            long expected = 1;
            byte[] prev = new byte[32];
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, at, type, code, actor, subject, details, key_id, prev_hmac, hmac "
                            + "FROM audit_events ORDER BY seq")) {
                ps.setFetchSize(FETCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AuditRecord r = read(rs);
                        byte[] storedPrev = rs.getBytes(9);
                        byte[] storedHmac = rs.getBytes(10);
                        if (r.seq() != expected) {
                            return broken(expected - 1, expected, "event " + expected + " is missing");
                        }
                        if (!MessageDigest.isEqual(prev, storedPrev)) {
                            return broken(expected - 1, r.seq(), "prev_hmac does not match event " + (r.seq() - 1));
                        }
                        Optional<AuditKey> key = keys.byId(r.keyId());
                        if (key.isEmpty()) {
                            return broken(expected - 1, r.seq(), "unknown audit key id " + r.keyId());
                        }
                        if (!MessageDigest.isEqual(hmac(key.get().secret(), storedPrev, r), storedHmac)) {
                            return broken(expected - 1, r.seq(), "hmac does not verify: the event was altered");
                        }
                        prev = storedHmac;
                        expected++;
                    }
                }
            }
            long count = expected - 1;
            if (headSeq != count || (count > 0 && !Arrays.equals(headHmac, prev))) {
                return broken(count, count + 1, "chain head is at " + headSeq + " but the log ends at " + count);
            }
            return new AuditVerification(true, count, null, null);
        } finally {
            // Only end a transaction we started: rolling back the caller's would silently
            // discard its audited changes (and the events appended for them).
            if (autoCommit) {
                c.rollback();
                c.setAutoCommit(true);
                c.setTransactionIsolation(isolation);
            }
        }
    }

    /**
     * {@link #verify(Connection)}, then each anchored head against the chain: an anchor past the
     * last event is a cut tail; an anchor whose event has another HMAC is a cut tail re-grown (or
     * a rewritten one). Anchors are read by the caller from outside the database (the data-dir
     * file, peers' witness statements), which is what a truncation plus a consistent
     * {@code audit_head} rewrite cannot take back. The highest anchor that disagrees is reported.
     */
    public AuditVerification verify(Connection c, List<AnchoredHead> anchors) throws SQLException {
        AuditVerification chain = verify(c);
        if (!chain.ok() || anchors.isEmpty()) {
            return chain;
        }
        long count = chain.events();
        AnchoredHead worst = null;
        for (AnchoredHead a : anchors) {
            long seq = a.head().seq();
            boolean contradicts = seq > count
                    || (seq > 0 && !Arrays.equals(hmacAt(c, seq).orElse(null), a.head().hmac()));
            if (contradicts && (worst == null || seq > worst.head().seq())) {
                worst = a;
            }
        }
        if (worst == null) {
            return chain;
        }
        long seq = worst.head().seq();
        String reason = seq > count
                ? "the chain ends at event " + count + " but " + worst.witness() + " anchored event " + seq
                + ": events were cut from the tail"
                : "event " + seq + " differs from the one " + worst.witness() + " anchored: the tail was cut and rewritten";
        long firstBroken = Math.min(seq, count + 1);
        return new AuditVerification(false, count, firstBroken, reason,
                new AuditVerification.Truncation(seq, count, worst.witness()));
    }

    /** The head as {@code audit_head} holds it now. */
    public AuditHead head(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hmac FROM audit_head WHERE singleton");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("audit_head row is missing: migrations incomplete");
            }
            return new AuditHead(rs.getLong(1), rs.getBytes(2));
        }
    }

    /** The stored HMAC of event {@code seq}, if the event exists (one primary-key lookup). */
    public Optional<byte[]> hmacAt(Connection c, long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT hmac FROM audit_events WHERE seq = ?")) {
            ps.setLong(1, seq);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    /**
     * True when {@code head} is still on this database's chain: its event exists with the same
     * HMAC (the empty head is on every chain). Cheap: one primary-key lookup.
     */
    public boolean onChain(Connection c, AuditHead head) throws SQLException {
        return head.seq() == 0 || Arrays.equals(hmacAt(c, head.seq()).orElse(null), head.hmac());
    }

    private static AuditVerification broken(long verified, long seq, String reason) {
        return new AuditVerification(false, verified, seq, reason);
    }

    /** Which part of the chain a listing reads. */
    public enum Scope {
        /** Every event. */
        ALL,
        /** What operators and calling peers did: {@code entente audit ls}. */
        AUDIT,
        /** What the hub did on its own ({@link EventSource}): {@code entente events}. */
        SYSTEM
    }

    /** Events newest first, optionally of one type and since an instant. */
    public List<AuditRecord> list(Connection c, String type, Instant since, int limit) throws SQLException {
        return list(c, Scope.ALL, null, type, since, limit);
    }

    /**
     * Events of {@code scope} newest first, optionally from one {@code source} (which implies
     * {@link Scope#SYSTEM}), of one type and since an instant.
     */
    public List<AuditRecord> list(Connection c, Scope scope, EventSource source, String type, Instant since, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT seq, at, type, code, actor, subject, details, key_id FROM audit_events WHERE true");
        List<Object> args = new ArrayList<>();
        if (source != null) {
            sql.append(" AND actor = ?");
            args.add(source.actor());
        } else if (scope == Scope.SYSTEM) {
            sql.append(" AND (actor = 'system' OR actor LIKE 'system:%')");
        } else if (scope == Scope.AUDIT) {
            sql.append(" AND actor <> 'system' AND actor NOT LIKE 'system:%'");
        }
        if (type != null) {
            sql.append(" AND type = ?");
            args.add(type);
        }
        if (since != null) {
            sql.append(" AND at >= ?");
            args.add(Timestamp.from(since));
        }
        sql.append(" ORDER BY seq DESC LIMIT ?");
        args.add(limit);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<AuditRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    private static AuditRecord read(ResultSet rs) throws SQLException {
        return new AuditRecord(rs.getLong("seq"), rs.getTimestamp("at").toInstant(), rs.getString("type"),
                rs.getString("code"), rs.getString("actor"), rs.getString("subject"), rs.getString("details"),
                rs.getString("key_id"));
    }

    static byte[] hmac(byte[] key, byte[] prev, AuditRecord r) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prev);
            mac.update(canonicalBytes(r));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Every field but the MACs, as a JSON array: unambiguous (no delimiter games) and stable. */
    private static byte[] canonicalBytes(AuditRecord r) {
        List<Object> fields = Arrays.asList(r.seq(), r.at().toString(), r.type(), r.code(), r.actor(), r.subject(),
                r.keyId(), r.details());
        try {
            return CANONICAL.writeValueAsString(fields).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Details as JSON with keys sorted, so equal maps give equal bytes. */
    private static String canonicalJson(Map<String, ?> details) {
        try {
            return CANONICAL.writeValueAsString(details);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit details must be JSON-serialisable", e);
        }
    }
}
