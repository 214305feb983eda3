package dev.entente.controlplane.api.status;

import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code GET /api/v1/status}: the hub at a glance, as an operator checks it first
 * in an incident. A part that needs the database is null while the database is down (the
 * doctor's DR001 among {@code warnings} says so).
 *
 * @param peers         linked and pending peers by state
 * @param pendingTokens acceptance tokens handed out and not used yet, soonest expiry first
 * @param worker        the most recent start of a scheduled task, null before any
 * @param lastError     the most recent failed run of a scheduled task, null when none failed
 * @param clock         this hub's clock against its peers', null until measured
 * @param warnings      what needs an operator: drill mode, the doctor's error-level findings, a lowered
 *                      approval policy (DR024) and paused automation (DR025), each with who, why and until when
 */
public record HubStatus(String hubId, String name, String listening, String publicUrl, long uptimeS, Tls tls,
                        String database, boolean drillMode, String heartbeatInterval, String staleAfter,
                        PeerCounts peers, List<PendingToken> pendingTokens, WorkerLastRun worker, LastError lastError,
                        ClockSkew clock, List<String> warnings) {

    /** The served TLS certificate. */
    public record Tls(String fingerprint, Instant notAfter, long expiresInS) {
    }

    /** How many peers are in each state. */
    public record PeerCounts(int proposed, int accepted, int enrolled, int active, int degraded, int suspended,
                             int revoked, int total) {
    }

    /** An acceptance token a proposed peer has not used yet. */
    public record PendingToken(String peerId, String name, Instant expiresAt, boolean expired) {
    }

    /** The scheduled task that started last, on whichever replica ran it. */
    public record WorkerLastRun(String task, Instant startedAt, Instant finishedAt, String outcome) {
    }

    /** The last failure of a scheduled task. */
    public record LastError(String task, Instant at, String error) {
    }

    /**
     * This hub's clock minus the median of its peers' clocks.
     *
     * @param skewed whether it is beyond {@code entente.tokens.clock-skew} (doctor DR020)
     */
    public record ClockSkew(long offsetMs, long uncertaintyMs, int peers, boolean skewed) {
    }
}
