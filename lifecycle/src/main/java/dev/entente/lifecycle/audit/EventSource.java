package dev.entente.lifecycle.audit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The part of the hub that made a change on its own, as opposed to an operator or a calling peer.
 * Its events are appended to the same HMAC chain as the operator audit, with the actor
 * {@code system:<source>}: the actor is MACed, so the source cannot be altered without breaking the
 * chain, and {@code entente events --source heartbeat_sweep} is a plain equality on the actor.
 */
public enum EventSource {
    /** Hub creation and start-up, the first admin token. */
    HUB,
    /** Accepting, enrolling and completing the acceptance-token handshake, as driven by the other hub. */
    HANDSHAKE,
    /** State changes caused by a heartbeat (recovery, first heartbeat) and delivery failures of ours. */
    HEARTBEAT,
    /** The stale sweep moving peers to degraded. */
    HEARTBEAT_SWEEP,
    /** Node and client certificate renewals. */
    RENEWAL,
    /** The federation CA issuing and revoking certificates. */
    CA,
    /** A CA rotation's progress that no operator made: peers moving to the new key, the last laggard gone. */
    ROTATION,
    /** Acceptance tokens that expired unused. */
    TOKEN_EXPIRY,
    /** Grants that reached their expiry, and grants ended because their peer was revoked. */
    GRANT_EXPIRY,
    /** Approval requests expiring, and the outcome of the actions they approved. */
    APPROVALS,
    /** Governance findings opened and resolved. */
    GOVERNANCE,
    /** Background tasks that failed. */
    WORKER,
    /** Events written before sources existed (actor plain {@code system}). */
    SYSTEM;

    private static final String PREFIX = "system:";

    /** The snake_case name, e.g. {@code heartbeat_sweep}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The actor recorded for this source's events: {@code system:heartbeat_sweep}. */
    public String actor() {
        return this == SYSTEM ? "system" : PREFIX + value();
    }

    /** The source behind an actor, empty for operators and peers. */
    public static Optional<EventSource> ofActor(String actor) {
        if (actor == null) {
            return Optional.empty();
        }
        if (actor.equals("system")) {
            return Optional.of(SYSTEM);
        }
        return actor.startsWith(PREFIX) ? parse(actor.substring(PREFIX.length())) : Optional.empty();
    }

    /** The source named {@code heartbeat_sweep} (any case), if there is one. */
    public static Optional<EventSource> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value().equalsIgnoreCase(value == null ? "" : value.trim()))
                .findFirst();
    }

    /** Every source name, comma-separated, for error messages and help. */
    public static String names() {
        return Arrays.stream(values()).map(EventSource::value).collect(Collectors.joining(", "));
    }
}
