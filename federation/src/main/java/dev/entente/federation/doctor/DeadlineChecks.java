package dev.entente.federation.doctor;

import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Checks of deadlines that pass silently: approval requests about to time out, grants about to expire. */
public final class DeadlineChecks {
    /**
     * A pending request with less than this share of its window left is reported: with the
     * default 4 h timeout, the last hour, enough to find an approver.
     */
    static final double APPROVAL_WINDOW_LEFT = 0.25;
    /** An active grant expiring within this window is reported: a week leaves time to re-issue. */
    static final Duration GRANT_EXPIRY_WINDOW = Duration.ofDays(7);

    private final Tx tx;

    public DeadlineChecks(Tx tx) {
        this.tx = tx;
    }

    /**
     * DR016: a pending approval request near (or past) its deadline. Past it, the request is as good
     * as expired: approving it is refused, and the expiry job will mark it.
     */
    private List<Finding> approvals(Instant now) {
        return tx.read(c -> {
            List<Finding> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, action, requester, created_at, expires_at "
                    + "FROM approvals WHERE state = 'pending' ORDER BY expires_at")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString("id");
                        Instant created = rs.getTimestamp("created_at").toInstant();
                        Instant expires = rs.getTimestamp("expires_at").toInstant();
                        Duration window = Duration.between(created, expires);
                        Duration left = Duration.between(now, expires);
                        if (left.toMillis() > window.toMillis() * APPROVAL_WINDOW_LEFT) {
                            continue;
                        }
                        String what = "approval " + id + " (" + rs.getString("action") + ", requested by "
                                + rs.getString("requester") + ")";
                        out.add(left.isNegative() || left.isZero()
                                ? Finding.of(DoctorCode.DR016, what + " passed its deadline " + Checks.human(left.negated())
                                + " ago; it can no longer be approved", "entente approvals list", id)
                                : Finding.of(DoctorCode.DR016, what + " times out in " + Checks.human(left)
                                + " unless an approver decides", "entente approvals approve " + id, id));
                    }
                }
            }
            return out;
        });
    }

    /**
     * DR017: an active grant that will lapse within 7 days; the peer's calls start failing with
     * grant_expired then. An auto-renewing grant is not one, unless its expiry is its maximum
     * lifetime or its peer is not active (the worker renews grants of active peers only).
     */
    private List<Finding> grants(Instant now) {
        return tx.read(c -> {
            List<Finding> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT g.id, g.expires_at, g.auto_renew, g.max_expires_at, "
                    + "p.name, p.state AS peer_state FROM grants g JOIN peers p ON p.id = g.peer_id "
                    + "WHERE g.state = 'active' AND g.expires_at > ? AND g.expires_at <= ? ORDER BY g.expires_at")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setTimestamp(2, Timestamp.from(now.plus(GRANT_EXPIRY_WINDOW)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString("id");
                        Instant expires = rs.getTimestamp("expires_at").toInstant();
                        Timestamp max = rs.getTimestamp("max_expires_at");
                        boolean atMax = max != null && !expires.isBefore(max.toInstant());
                        String peerState = rs.getString("peer_state");
                        String grant = "grant " + id + " of peer " + rs.getString("name");
                        String when = Checks.human(Duration.between(now, expires)) + " (" + expires + ")";
                        String diagnosis;
                        if (!rs.getBoolean("auto_renew")) {
                            diagnosis = grant + " expires in " + when + "; issue a replacement before then";
                        } else if (atMax) {
                            diagnosis = grant + " reaches its maximum lifetime in " + when + " and renews no further; "
                                    + "raise it (entente grants update " + id + " --max-lifetime D) or issue a replacement before then";
                        } else if (!"active".equals(peerState)) {
                            diagnosis = grant + " expires in " + when + " and does not auto-renew while the peer is "
                                    + peerState + "; resume the peer or issue a replacement before then";
                        } else {
                            continue;
                        }
                        out.add(Finding.of(DoctorCode.DR017, diagnosis, "entente grants show " + id, id));
                    }
                }
            }
            return out;
        });
    }

    public List<DoctorCheck> all() {
        return List.of(Checks.of(DoctorCode.DR016, true, this::approvals), Checks.of(DoctorCode.DR017, true, this::grants));
    }
}
