package dev.entente.lifecycle.doctor;

import dev.entente.lifecycle.error.PublicCode;
import dev.entente.lifecycle.error.Runbook;

/**
 * Every doctor code, never reused: its code ({@code DR0xx}) and stable snake_case name, both
 * spelled out rather than derived from the constant, its usual severity (a check may raise or
 * lower it per finding) and the runbook file holding its {@code ## DR0xx} section. A spec pins
 * every code and name ever shipped ({@code docs/codes.txt}).
 */
public enum DoctorCode implements PublicCode {
    /** A check itself threw; the other checks still ran. */
    DR000("DR000", "check_failed", Severity.ERROR, Runbook.OPERATORS),
    /** The hub cannot get a working connection to PostgreSQL. */
    DR001("DR001", "database_unreachable", Severity.ERROR, Runbook.DATABASE),
    /** The schema is behind this binary (pending), ahead of it (future) or a migration failed. */
    DR002("DR002", "migrations_not_current", Severity.ERROR, Runbook.DATABASE),
    /** The served TLS certificate expires within 30 days (warning) or has expired (error). */
    DR003("DR003", "tls_cert_expiring", Severity.WARNING, Runbook.TLS),
    /** The hub listens on loopback only while it has peers that must reach it from elsewhere. */
    DR004("DR004", "loopback_bind_with_peers", Severity.WARNING, Runbook.STARTUP),
    /** The stale sweep or the heartbeat sender has not started a run within 3 intervals. */
    DR005("DR005", "sweep_not_running", Severity.ERROR, Runbook.PEERS),
    /** A peer sits in accepted or enrolled: the handshake never finished. */
    DR006("DR006", "stale_accepted_without_handshake", Severity.WARNING, Runbook.PEERS),
    /** A peer has been degraded for more than 24 hours. */
    DR007("DR007", "peer_degraded_too_long", Severity.WARNING, Runbook.PEERS),
    /** The last heartbeat this hub sent a peer failed. */
    DR008("DR008", "heartbeats_failing", Severity.WARNING, Runbook.PEERS),
    /** A peer's clock differs from ours by more than {@code entente.tokens.clock-skew}. */
    DR009("DR009", "clock_skew", Severity.WARNING, Runbook.TOKENS),
    /** A peer speaks another federation protocol version. */
    DR010("DR010", "protocol_version_mismatch", Severity.ERROR, Runbook.PEERS),
    /** A linked peer has a client certificate without a usable key, or a key without a certificate. */
    DR011("DR011", "mtls_config_partial", Severity.ERROR, Runbook.TLS),
    /** The federation CA rotation has been in one phase for more than 24 hours. */
    DR012("DR012", "rotation_stuck", Severity.WARNING, Runbook.ROTATION),
    /** Peers still hold node certificates under the key a rotation is retiring. */
    DR013("DR013", "rotation_laggards", Severity.WARNING, Runbook.ROTATION),
    /** The audit HMAC chain does not verify. */
    DR014("DR014", "audit_chain_broken", Severity.ERROR, Runbook.OPERATORS),
    /** A peer no longer serves the TLS certificate we pin for it. */
    DR015("DR015", "pinned_fingerprint_not_served", Severity.ERROR, Runbook.TLS),
    /** A pending approval request has less than a quarter of its window left, or none. */
    DR016("DR016", "approval_near_timeout", Severity.WARNING, Runbook.APPROVALS),
    /** An active grant expires within 7 days. */
    DR017("DR017", "grant_expiring", Severity.WARNING, Runbook.GRANTS),
    /** The embedded PostgreSQL died while the hub ran, and the hub started it again. */
    DR018("DR018", "embedded_database_restarted", Severity.WARNING, Runbook.DATABASE),
    /** The embedded PostgreSQL runs without fsync and synchronous commit: a power loss can lose acknowledged changes. */
    DR019("DR019", "database_durability_off", Severity.WARNING, Runbook.DATABASE),
    /** This hub's own clock differs from the median of its peers' clocks by more than {@code entente.tokens.clock-skew}. */
    DR020("DR020", "own_clock_skew", Severity.WARNING, Runbook.TOKENS),
    /** The node certificate this hub issued a linked peer is expired, revoked or under a CA key it no longer trusts. */
    DR021("DR021", "peer_node_cert_dead", Severity.ERROR, Runbook.PEERS),
    /** The node certificate a linked peer issued this hub is expired, or the peer refuses it. */
    DR022("DR022", "own_node_cert_dead", Severity.ERROR, Runbook.PEERS),
    /** The automatic renewal of the hub's TLS certificate failed on its last attempt. */
    DR023("DR023", "tls_renewal_failing", Severity.ERROR, Runbook.TLS),
    /** An approval policy set while the hub runs is lower than configured: an action that needs a second operator by configuration runs at once. */
    DR024("DR024", "approval_policy_lowered", Severity.WARNING, Runbook.APPROVALS),
    /** An operator paused worker jobs: the sweep, expiries or renewals they run do not happen until resumed. */
    DR025("DR025", "automation_paused", Severity.WARNING, Runbook.PEERS),
    /** In {@code custom} TLS mode the served certificate expires within 30 days and the files hold nothing newer. */
    DR026("DR026", "tls_custom_cert_expiring", Severity.WARNING, Runbook.TLS),
    /** In {@code acme} TLS mode the last order for the hub's certificate failed; the CA's problem document says why. */
    DR027("DR027", "tls_acme_renewal_failing", Severity.ERROR, Runbook.TLS),
    /** This process's key vault no longer matches the database's: another process re-keyed it, and this one cannot seal or open keys. */
    DR028("DR028", "key_vault_rekeyed_elsewhere", Severity.ERROR, Runbook.KEYS),
    /** The data dir's admin.token is signed by a token-signing key that a rotation retired: the local CLI is refused. */
    DR029("DR029", "admin_token_key_retired", Severity.WARNING, Runbook.KEYS),
    /** Under {@code entente.keys.store: pkcs11} the token does not answer: no CA certificate or operator token can be signed. */
    DR030("DR030", "pkcs11_token_unreachable", Severity.ERROR, Runbook.KEYS),
    /** A key in use that the database catalogues as held by the PKCS#11 token is not in it. */
    DR031("DR031", "pkcs11_key_missing_from_token", Severity.ERROR, Runbook.KEYS);

    private final String code;
    private final String checkName;
    private final Severity severity;
    private final Runbook runbook;

    DoctorCode(String code, String checkName, Severity severity, Runbook runbook) {
        this.code = code;
        this.checkName = checkName;
        this.severity = severity;
        this.runbook = runbook;
    }

    /** The code findings and runbook headings carry, e.g. {@code DR006}. */
    @Override
    public String code() {
        return code;
    }

    /** The stable snake_case name, e.g. {@code stale_accepted_without_handshake}. */
    public String checkName() {
        return checkName;
    }

    /** A doctor code's title is its check name: that is what operators see next to the code. */
    @Override
    public String title() {
        return checkName;
    }

    public Severity severity() {
        return severity;
    }

    @Override
    public Runbook runbookFile() {
        return runbook;
    }

    /** The code, so messages that concatenate a code stay the same when a constant is renamed. */
    @Override
    public String toString() {
        return code;
    }

    /** Looks a code up case-insensitively; null when there is none. */
    public static DoctorCode find(String code) {
        for (DoctorCode c : values()) {
            if (c.code.equalsIgnoreCase(code == null ? "" : code.trim())) {
                return c;
            }
        }
        return null;
    }
}
