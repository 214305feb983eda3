package dev.entente.lifecycle.audit;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The part of the hub that made a change on its own, as opposed to an operator or a calling peer.
 * Its events are appended to the same HMAC chain as the operator audit, with the actor
 * {@code system:<source>}: the actor is MACed, so the source cannot be altered without breaking the
 * chain, and {@code entente events --source heartbeat_sweep} is a plain equality on the actor.
 */
public enum EventSource implements AuditActor {
    /** Hub creation and start-up, the first admin token. */
    HUB("hub"),
    /** Accepting, enrolling and completing the acceptance-token handshake, as driven by the other hub. */
    HANDSHAKE("handshake"),
    /** State changes caused by a heartbeat (recovery, first heartbeat) and delivery failures of ours. */
    HEARTBEAT("heartbeat"),
    /** The stale sweep moving peers to degraded. */
    HEARTBEAT_SWEEP("heartbeat_sweep"),
    /** Node and client certificate renewals. */
    RENEWAL("renewal"),
    /** The hub renewing its own TLS certificate at two thirds of its lifetime, or at start when it expired. */
    TLS_RENEWAL("tls_renewal"),
    /** The federation CA issuing and revoking certificates. */
    CA("ca"),
    /** A CA rotation's progress that no operator made: peers moving to the new key, the last laggard gone. */
    ROTATION("rotation"),
    /** Acceptance tokens that expired unused. */
    TOKEN_EXPIRY("token_expiry"),
    /** Grants that reached their expiry, and grants ended because their peer was revoked. */
    GRANT_EXPIRY("grant_expiry"),
    /** Auto-renewing grants extended by the worker while their peer is active. */
    GRANT_RENEWAL("grant_renewal"),
    /** Approval requests expiring, and the outcome of the actions they approved. */
    APPROVALS("approvals"),
    /** Governance findings opened and resolved. */
    GOVERNANCE("governance"),
    /** Background tasks that failed. */
    WORKER("worker"),
    /** Events written before sources existed (actor plain {@code system}). */
    SYSTEM("system");

    private static final String PREFIX = "system:";

    private final String value;

    EventSource(String value) {
        this.value = value;
    }

    /** The snake_case name, e.g. {@code heartbeat_sweep}: spelled out, as it is MACed into every actor. */
    public String value() {
        return value;
    }

    /** The actor recorded for this source's events: {@code system:heartbeat_sweep}. */
    public String actor() {
        return this == SYSTEM ? "system" : PREFIX + value();
    }

    @Override
    public String shown() {
        return actor();
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
