package dev.entente.federation.approval;

import dev.entente.federation.peer.Durations;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each action's approval policy: configuration ({@code entente.approvals.policy.*}) gives the
 * default, and an operator's setting in the {@code approval_policies} table overrides it on every
 * replica and across restarts. Read per decision, so a change made on one replica holds on the
 * next command anywhere, with no cache to invalidate.
 *
 * <p>A temporary setting keeps what it replaced and ends at its deadline by itself: the effective
 * policy is judged against the time asked about, so nothing waits for a job; {@link #revertDue}
 * then restores the replaced row and records the hub event.
 */
public final class ApprovalPolicies {
    /** Runs at once. */
    public static final String AUTO = "auto";
    /** Waits for a second operator. */
    public static final String REQUIRE_APPROVAL = "require_approval";
    /** The longest a temporary setting may last: longer is a permanent change and should say so. */
    public static final Duration MAX_TEMPORARY = Duration.ofDays(30);

    /** Where an action's effective policy comes from. */
    public static final String FROM_CONFIG = "config";
    public static final String FROM_DATABASE = "database";

    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;
    private final Map<String, String> configured;

    /**
     * @param configured {@code auto} or {@code require_approval} for every action of
     *                   {@link ApprovalGate#ACTIONS}, as configuration sets them
     */
    public ApprovalPolicies(Tx tx, AuditLog audit, Clock clock, Map<String, String> configured) {
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
        this.configured = Map.copyOf(configured);
    }

    /** A policy value as an operator typed it, checked. */
    public static String checkPolicy(String policy) {
        if (!AUTO.equals(policy) && !REQUIRE_APPROVAL.equals(policy)) {
            throw new EntenteException(ErrorCode.APPROVAL_POLICY_INVALID, "a policy is auto or require_approval, not "
                    + policy, Map.of("valid_policies", List.of(AUTO, REQUIRE_APPROVAL)));
        }
        return policy;
    }

    /** An action a policy can be set for, checked. */
    public static String checkAction(String action) {
        if (!ApprovalGate.ACTIONS.contains(action)) {
            throw new EntenteException(ErrorCode.APPROVAL_POLICY_INVALID, "no approval policy for " + action
                    + "; policies exist for " + String.join(", ", ApprovalGate.ACTIONS),
                    Map.of("valid_actions", ApprovalGate.ACTIONS));
        }
        return action;
    }

    /** The policy configuration gives {@code action}. */
    public String configured(String action) {
        return configured.getOrDefault(action, AUTO);
    }

    /** The policy in force for {@code action} now. */
    public String effective(String action) {
        return find(action, clock.instant()).policy();
    }

    /** Every action's policy in force now. */
    public Map<String, String> effective() {
        Map<String, String> out = new LinkedHashMap<>();
        list(clock.instant()).forEach(p -> out.put(p.action(), p.policy()));
        return out;
    }

    /** Every action's policy at {@code now}, in the order of {@link ApprovalGate#ACTIONS}. */
    public List<ApprovalPolicy> list(Instant now) {
        Map<String, Row> rows = tx.read(c -> {
            Map<String, Row> out = new LinkedHashMap<>();
            try (var ps = c.prepareStatement(SELECT); var rs = ps.executeQuery()) {
                while (rs.next()) {
                    Row r = row(rs);
                    out.put(r.action, r);
                }
            }
            return out;
        });
        List<ApprovalPolicy> out = new ArrayList<>();
        for (String action : ApprovalGate.ACTIONS) {
            out.add(view(action, rows.get(action), now));
        }
        return out;
    }

    /** The settings in force at {@code now} that are lower than configured: {@code auto} where configuration requires approval. */
    public List<ApprovalPolicy> lowered(Instant now) {
        return list(now).stream().filter(ApprovalPolicy::lowered).toList();
    }

    private ApprovalPolicy find(String action, Instant now) {
        Row row = tx.read(c -> {
            try (var ps = c.prepareStatement(SELECT + " WHERE action = ?")) {
                ps.setString(1, action);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? row(rs) : null;
                }
            }
        });
        return view(action, row, now);
    }

    /**
     * Sets {@code action}'s policy as {@code operator}, audited; with a {@code lifetime}, until then,
     * after which what is in force now applies again. Setting what is in force already, for good,
     * is a no-op with no audit event.
     */
    public ApprovalPolicy set(String action, String policy, Duration lifetime, String reason, String operator) {
        checkAction(action);
        checkPolicy(policy);
        Instant now = clock.instant();
        return tx.inTransaction(c -> {
            Row current = lock(c, action);
            ApprovalPolicy before = view(action, current, now);
            if (lifetime == null && before.policy().equals(policy) && before.until() == null
                    && FROM_DATABASE.equals(before.source())) {
                return before;
            }
            Instant expiresAt = lifetime == null ? null : now.plus(lifetime);
            // A temporary setting on top of another keeps the first one's fallback: its end
            // returns to what was there before any temporary change.
            Row fallback = current == null ? null : current.live(now) && current.expiresAt == null ? current : current.fallback();
            try (var ps = c.prepareStatement("INSERT INTO approval_policies (action, policy, set_by, reason, set_at, "
                    + "expires_at, reverts_to, reverts_set_by, reverts_reason, reverts_set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    + "ON CONFLICT (action) DO UPDATE SET policy = EXCLUDED.policy, set_by = EXCLUDED.set_by, "
                    + "reason = EXCLUDED.reason, set_at = EXCLUDED.set_at, expires_at = EXCLUDED.expires_at, "
                    + "reverts_to = EXCLUDED.reverts_to, reverts_set_by = EXCLUDED.reverts_set_by, "
                    + "reverts_reason = EXCLUDED.reverts_reason, reverts_set_at = EXCLUDED.reverts_set_at")) {
                ps.setString(1, action);
                ps.setString(2, policy);
                ps.setString(3, operator);
                ps.setString(4, reason);
                ps.setTimestamp(5, Timestamp.from(now));
                ps.setTimestamp(6, expiresAt == null ? null : Timestamp.from(expiresAt));
                boolean keep = expiresAt != null && fallback != null;
                ps.setString(7, keep ? fallback.policy : null);
                ps.setString(8, keep ? fallback.setBy : null);
                ps.setString(9, keep ? fallback.reason : null);
                ps.setTimestamp(10, keep ? Timestamp.from(fallback.setAt) : null);
                ps.executeUpdate();
            }
            AuditDetails details = AuditDetails.of();
            details.put("policy", policy);
            details.put("previous", before.policy());
            details.put("configured", configured(action));
            details.put("reason", reason);
            if (expiresAt != null) {
                details.put("until", expiresAt.toString());
                details.put("for", Durations.format(lifetime));
            }
            audit.append(c, AuditEvent.of(AuditEventType.APPROVAL_POLICY_SET, operator, action, details));
            return view(action, lock(c, action), now);
        });
    }

    /**
     * Ends every temporary setting whose deadline is at or before {@code now}: the setting it
     * replaced comes back (or the row goes, when it replaced configuration), with a hub event
     * each. Safe to run twice and on several replicas: a row another runner holds is skipped,
     * one already reverted no longer matches.
     *
     * @return how many settings reverted
     */
    public int revertDue(Instant now) {
        return tx.inTransaction(c -> {
            List<Row> due = new ArrayList<>();
            try (var ps = c.prepareStatement(SELECT + " WHERE expires_at <= ? FOR UPDATE SKIP LOCKED")) {
                ps.setTimestamp(1, Timestamp.from(now));
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(row(rs));
                    }
                }
            }
            for (Row r : due) {
                Row back = r.fallback();
                if (back == null) {
                    try (var ps = c.prepareStatement("DELETE FROM approval_policies WHERE action = ?")) {
                        ps.setString(1, r.action);
                        ps.executeUpdate();
                    }
                } else {
                    try (var ps = c.prepareStatement("UPDATE approval_policies SET policy = ?, set_by = ?, reason = ?, "
                            + "set_at = ?, expires_at = NULL, reverts_to = NULL, reverts_set_by = NULL, reverts_reason = NULL, "
                            + "reverts_set_at = NULL WHERE action = ?")) {
                        ps.setString(1, back.policy);
                        ps.setString(2, back.setBy);
                        ps.setString(3, back.reason);
                        ps.setTimestamp(4, Timestamp.from(back.setAt));
                        ps.setString(5, r.action);
                        ps.executeUpdate();
                    }
                }
                AuditDetails details = AuditDetails.of();
                details.put("from", r.policy);
                details.put("to", back == null ? configured(r.action) : back.policy);
                details.put("source", back == null ? FROM_CONFIG : FROM_DATABASE);
                details.put("set_by", r.setBy);
                details.put("reason", r.reason);
                details.put("deadline", r.expiresAt.toString());
                audit.append(c, AuditEvent.of(EventSource.APPROVALS, AuditEventType.APPROVAL_POLICY_REVERTED, r.action, details));
            }
            return due.size();
        });
    }

    private ApprovalPolicy view(String action, Row row, Instant now) {
        String config = configured(action);
        Row live = row == null ? null : row.live(now) ? row : row.fallback();
        if (live == null) {
            return new ApprovalPolicy(action, config, FROM_CONFIG, config, null, null, null, null, false);
        }
        boolean lowered = AUTO.equals(live.policy) && REQUIRE_APPROVAL.equals(config);
        return new ApprovalPolicy(action, live.policy, FROM_DATABASE, config, live.setBy, live.reason, live.setAt.toString(),
                live.expiresAt == null ? null : live.expiresAt.toString(), lowered);
    }

    private static Row lock(Connection c, String action) throws SQLException {
        try (var ps = c.prepareStatement(SELECT + " WHERE action = ? FOR UPDATE")) {
            ps.setString(1, action);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? row(rs) : null;
            }
        }
    }

    private static final String SELECT = "SELECT action, policy, set_by, reason, set_at, expires_at, reverts_to, "
            + "reverts_set_by, reverts_reason, reverts_set_at FROM approval_policies";

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs.getTimestamp(5)),
                instant(rs.getTimestamp(6)), rs.getString(7), rs.getString(8), rs.getString(9), instant(rs.getTimestamp(10)));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private record Row(String action, String policy, String setBy, String reason, Instant setAt, Instant expiresAt,
                       String revertsTo, String revertsSetBy, String revertsReason, Instant revertsSetAt) {
        boolean live(Instant now) {
            return expiresAt == null || now.isBefore(expiresAt);
        }

        /** What this temporary setting replaced, as a permanent row; null when it replaced configuration. */
        Row fallback() {
            return revertsTo == null ? null
                    : new Row(action, revertsTo, revertsSetBy, revertsReason, revertsSetAt, null, null, null, null, null);
        }
    }
}
