package dev.entente.federation.handshake;

import java.util.Locale;

/**
 * Every step boundary of the handshake (DESIGN §4) on both sides, A the proposer and B the
 * accepter, with what a crash there leaves and how the link still comes up (issue 11). The
 * recovery paths are the three the runbook names: the link completes by itself (B's heartbeat
 * task retries step 3 while its peer is enrolled and has never delivered a heartbeat), B runs
 * {@code peers accept} again with the same token (A resumes an accepted peer for the same hub id,
 * URL and TLS fingerprint; B replaces its own half-finished peer), or both sides revoke and link
 * again with a new token.
 *
 * <p>Each constant is also a crash point: the handshake tells its {@link HandshakeHook} every step
 * it reaches, and the hub's hook, started with the system property {@value #PROPERTY}{@code =<value>},
 * halts the JVM at that step, with no shutdown hooks and no cleanup, exactly as {@code kill -9}
 * would leave it. Specs use it to prove the table above; it is never set in production.
 */
public enum HandshakeStep {
    /** B made its node key, nothing sent: nothing stored anywhere; accept again. */
    B_BEFORE_ACCEPT,
    /** A verified token and CSR, nothing committed: the token is unused; accept again. */
    A_TOKEN_VERIFIED,
    /** A committed ACCEPT (peer accepted, digest cleared), no certificate yet: accept again, A resumes. */
    A_ACCEPTED,
    /** A issued B's node certificate and sealed its own node key, B has no answer: accept again, A resumes. */
    A_ANSWERED,
    /** B holds A's answer in memory only: A is accepted, B has nothing; accept again, A resumes. */
    B_ANSWER_RECEIVED,
    /** B stored its peer for A (accepted), nothing enrolled: accept again, B replaces its peer, A resumes. */
    B_PEER_STORED,
    /** B enrolled its peer for A, step 3 not sent: B's heartbeat task sends it; completes by itself. */
    B_ENROLLED,
    /** A got step 3, did not commit: B's heartbeat task sends it again; completes by itself. */
    A_COMPLETE_RECEIVED,
    /** A enrolled, B got no answer to step 3: the repeat is a no-op on A, heartbeats follow by themselves. */
    A_ENROLLED,
    /** Both enrolled, B's operator got no answer: heartbeats make both active by themselves. */
    B_COMPLETED;

    /** The system property that names the step to crash at (specs only). */
    public static final String PROPERTY = "entente.testing.crash-at";

    /** The value {@link #PROPERTY} takes for this step, e.g. {@code a-accepted}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
