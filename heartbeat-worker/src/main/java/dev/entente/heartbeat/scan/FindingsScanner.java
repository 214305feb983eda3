package dev.entente.heartbeat.scan;

import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;
import dev.entente.lifecycle.doctor.Severity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The governance scan: computes which conditions hold now and stores them as findings, opening
 * new ones and closing those whose condition cleared.
 *
 * <p>The conditions are the doctor's own checks (DR006, DR003, DR012, DR007, DR017), run as they
 * are, so the scan and {@code entente doctor} never disagree about what is wrong; only the codes
 * differ, because findings are named for the condition rather than numbered.
 *
 * <p>Safe to run twice and on two replicas at once: the store is a partial unique index on open
 * {@code (code, subject)}, opening is {@code INSERT ... ON CONFLICT DO UPDATE}, closing is an
 * {@code UPDATE ... WHERE resolved_at IS NULL}, and an audit event is written only by the
 * statement that actually opened or closed the row.
 */
public final class FindingsScanner {
    /** The scheduled task's name in {@code worker_runs} and Quartz. */
    public static final String TASK = GovernanceScanTask.NAME;
    /** Subject of a finding about the hub itself (the doctor gives none). */
    public static final String HUB_SUBJECT = "hub";
    /** The actor of the audit events: the scan runs for nobody in particular. */
    static final String ACTOR = EventSource.GOVERNANCE.actor();

    /** Doctor code to finding code; the checks run in the doctor's code order. */
    private static final Map<DoctorCode, String> FROM_DOCTOR = Map.of(
            DoctorCode.DR006, "stale_accepted_without_handshake",
            DoctorCode.DR003, "cert_expiring",
            DoctorCode.DR012, "rotation_stalled",
            DoctorCode.DR007, "peer_degraded_long",
            DoctorCode.DR017, "grant_expiring");
    /** Every code a finding may carry. */
    public static final List<String> CODES = List.of("stale_accepted_without_handshake", "cert_expiring",
            "rotation_stalled", "peer_degraded_long", "grant_expiring");

    private static final String COLUMNS = "id, code, subject, severity, detail, first_seen_at, last_seen_at, resolved_at";

    private final List<DoctorCheck> checks;
    private final Tx tx;
    private final AuditLog audit;

    /** @param doctorChecks the doctor's checks; the scan runs those whose codes it turns into findings */
    public FindingsScanner(List<DoctorCheck> doctorChecks, Tx tx, AuditLog audit) {
        this.checks = doctorChecks.stream().filter(c -> FROM_DOCTOR.containsKey(c.code())).toList();
        this.tx = tx;
        this.audit = audit;
    }

    /** A condition that holds now, before it is stored. */
    public record Observed(String code, String subject, Severity severity, String detail) {
    }

    /** What one scan changed: the findings it opened and those it resolved. */
    public record Outcome(List<StoredFinding> opened, List<StoredFinding> resolved, int open) {
    }

    /**
     * The conditions holding at {@code now}. A check that throws fails the whole scan: storing a
     * partial set would resolve findings only because their check could not look.
     */
    public List<Observed> observe(Instant now) throws Exception {
        Map<String, Observed> out = new LinkedHashMap<>();
        for (DoctorCheck check : checks) {
            String code = FROM_DOCTOR.get(check.code());
            for (Finding f : check.run(now)) {
                String subject = f.subject() == null ? HUB_SUBJECT : f.subject();
                // keyed like the unique index, so one statement never meets its own row twice
                out.putIfAbsent(code + "\n" + subject, new Observed(code, subject, f.severity(), f.diagnosis()));
            }
        }
        return List.copyOf(out.values());
    }

    /** Observes at {@code now} and stores the outcome in one transaction. */
    public Outcome scan(Instant now) throws Exception {
        List<Observed> observed = observe(now);
        return tx.inTransaction(c -> store(c, observed, now));
    }

    private Outcome store(Connection c, List<Observed> observed, Instant now) throws SQLException {
        List<StoredFinding> opened = new ArrayList<>();
        Set<String> present = new LinkedHashSet<>();
        Timestamp at = Timestamp.from(now);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO findings (id, code, subject, severity, detail, "
                + "first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (code, subject) WHERE resolved_at IS NULL DO UPDATE SET severity = EXCLUDED.severity, "
                + "detail = EXCLUDED.detail, last_seen_at = GREATEST(findings.last_seen_at, EXCLUDED.last_seen_at) "
                // xmax is 0 only on a row this statement inserted: the one way to tell an insert
                // from the conflict update, so only a real opening is audited
                + "RETURNING " + COLUMNS + ", (xmax = 0) AS inserted")) {
            for (Observed o : observed) {
                present.add(o.code() + "\n" + o.subject());
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, o.code());
                ps.setString(3, o.subject());
                ps.setString(4, o.severity().value());
                ps.setString(5, o.detail());
                ps.setTimestamp(6, at);
                ps.setTimestamp(7, at);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean("inserted")) {
                        StoredFinding f = read(rs);
                        opened.add(f);
                        audit.append(c, AuditEvent.of(AuditEventType.FINDING_OPENED, ACTOR, f.id().toString(), details(f)));
                    }
                }
            }
        }
        List<StoredFinding> resolved = new ArrayList<>();
        List<StoredFinding> open = query(c, "SELECT " + COLUMNS + " FROM findings WHERE resolved_at IS NULL");
        try (PreparedStatement ps = c.prepareStatement("UPDATE findings SET resolved_at = ? "
                + "WHERE id = ? AND resolved_at IS NULL RETURNING " + COLUMNS)) {
            for (StoredFinding f : open) {
                if (present.contains(f.code() + "\n" + f.subject())) {
                    continue;
                }
                ps.setTimestamp(1, at);
                ps.setObject(2, f.id());
                try (ResultSet rs = ps.executeQuery()) {
                    // no row: another replica's scan closed it first, and audited it
                    if (rs.next()) {
                        StoredFinding r = read(rs);
                        resolved.add(r);
                        audit.append(c, AuditEvent.of(AuditEventType.FINDING_RESOLVED, ACTOR, r.id().toString(), details(r)));
                    }
                }
            }
        }
        return new Outcome(opened, resolved, open.size() - resolved.size());
    }

    /** Open findings, or every finding with {@code all}; oldest first. */
    public List<StoredFinding> list(boolean all) {
        return tx.read(c -> query(c, "SELECT " + COLUMNS + " FROM findings"
                + (all ? "" : " WHERE resolved_at IS NULL") + " ORDER BY first_seen_at, code, subject, id"));
    }

    private static List<StoredFinding> query(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            List<StoredFinding> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }
    }

    // Audit details are free-form JSON, their members chosen per event type.
    private static AuditDetails details(StoredFinding f) {
        return AuditDetails.of("code", f.code()).put("subject", f.subject()).put("severity", f.severity());
    }

    private static StoredFinding read(ResultSet rs) throws SQLException {
        return new StoredFinding(rs.getObject("id", UUID.class), rs.getString("code"), rs.getString("subject"),
                rs.getString("severity"), rs.getString("detail"), instant(rs, "first_seen_at"),
                instant(rs, "last_seen_at"), instant(rs, "resolved_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
