package dev.entente.controlplane.doctor;

/**
 * Every doctor code, never reused: its stable snake_case name, its usual severity (a check may
 * raise or lower it per finding) and the runbook file holding its {@code ## DR0xx} section.
 */
public enum DoctorCode {
    /** A check itself threw; the other checks still ran. */
    DR000("check_failed", Severity.ERROR, "operators-and-admin-api.md"),
    /** The hub cannot get a working connection to PostgreSQL. */
    DR001("database_unreachable", Severity.ERROR, "database-and-backup.md"),
    /** The schema is behind this binary (pending), ahead of it (future) or a migration failed. */
    DR002("migrations_not_current", Severity.ERROR, "database-and-backup.md"),
    /** The served TLS certificate expires within 30 days (warning) or has expired (error). */
    DR003("tls_cert_expiring", Severity.WARNING, "tls-and-pinning.md"),
    /** The hub listens on loopback only while it has peers that must reach it from elsewhere. */
    DR004("loopback_bind_with_peers", Severity.WARNING, "startup-and-network.md"),
    /** The stale sweep or the heartbeat sender has not started a run within 3 intervals. */
    DR005("sweep_not_running", Severity.ERROR, "peers-and-heartbeats.md"),
    /** A peer sits in accepted or enrolled: the handshake never finished. */
    DR006("stale_accepted_without_handshake", Severity.WARNING, "peers-and-heartbeats.md"),
    /** A peer has been degraded for more than 24 hours. */
    DR007("peer_degraded_too_long", Severity.WARNING, "peers-and-heartbeats.md"),
    /** The last heartbeat this hub sent a peer failed. */
    DR008("heartbeats_failing", Severity.WARNING, "peers-and-heartbeats.md"),
    /** A peer's clock differs from ours by more than {@code entente.tokens.clock-skew}. */
    DR009("clock_skew", Severity.WARNING, "tokens-and-handshake.md"),
    /** A peer speaks another federation protocol version. */
    DR010("protocol_version_mismatch", Severity.ERROR, "peers-and-heartbeats.md"),
    /** A linked peer has a client certificate without a usable key, or a key without a certificate. */
    DR011("mtls_config_partial", Severity.ERROR, "tls-and-pinning.md"),
    /** The federation CA rotation has been in one phase for more than 24 hours. */
    DR012("rotation_stuck", Severity.WARNING, "ca-rotation.md"),
    /** Peers still hold node certificates under the key a rotation is retiring. */
    DR013("rotation_laggards", Severity.WARNING, "ca-rotation.md"),
    /** The audit HMAC chain does not verify. */
    DR014("audit_chain_broken", Severity.ERROR, "operators-and-admin-api.md"),
    /** A peer no longer serves the TLS certificate we pin for it. */
    DR015("pinned_fingerprint_not_served", Severity.ERROR, "tls-and-pinning.md"),
    /** A pending approval request has less than a quarter of its window left, or none. */
    DR016("approval_near_timeout", Severity.WARNING, "approvals.md"),
    /** An active grant expires within 7 days. */
    DR017("grant_expiring", Severity.WARNING, "grants-and-federation-api.md"),
    /** The embedded PostgreSQL died while the hub ran, and the hub started it again. */
    DR018("embedded_database_restarted", Severity.WARNING, "database-and-backup.md"),
    /** The embedded PostgreSQL runs without fsync and synchronous commit: a power loss can lose acknowledged changes. */
    DR019("database_durability_off", Severity.WARNING, "database-and-backup.md");

    private final String checkName;
    private final Severity severity;
    private final String runbook;

    DoctorCode(String checkName, Severity severity, String runbook) {
        this.checkName = checkName;
        this.severity = severity;
        this.runbook = runbook;
    }

    /** The stable snake_case name, e.g. {@code stale_accepted_without_handshake}. */
    public String checkName() {
        return checkName;
    }

    public Severity severity() {
        return severity;
    }

    /** The runbook file (under {@code runbooks/}) with this code's section. */
    public String runbook() {
        return runbook;
    }

    /** Looks a code up case-insensitively; null when there is none. */
    public static DoctorCode find(String code) {
        for (DoctorCode c : values()) {
            if (c.name().equalsIgnoreCase(code == null ? "" : code.trim())) {
                return c;
            }
        }
        return null;
    }
}
