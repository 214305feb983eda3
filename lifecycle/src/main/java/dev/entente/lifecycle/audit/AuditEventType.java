package dev.entente.lifecycle.audit;

import dev.entente.lifecycle.audit.AuditActor.Party;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every audit event type the hub writes, once: its wire string ({@code peer.accepted}), spelled
 * out rather than derived from the constant, who writes it, and what it records. Types a lifecycle
 * transition writes ({@code <entity>.<state>}, see {@code LifecycleDefinition#auditType}) are
 * registered too, marked {@link Party#TRANSITION}; a spec checks every transition's type is here.
 *
 * <p>A type is never removed or renamed, even once nothing writes it any more: old chains hold it
 * and {@code entente audit ls --type} must still find it. {@code docs/audit-events.md} is rendered
 * from this enum and {@code docs/codes.txt} pins every type ever shipped.
 */
public enum AuditEventType {
    // --- the hub itself ---
    /** A new hub initialised its data directory, keys and database. */
    HUB_CREATED("hub.created", "a new hub initialised its data directory, keys and database", EventSource.HUB),
    /** The hub started: keys opened, migrations applied. */
    HUB_STARTED("hub.started", "the hub started: keys opened, migrations applied", EventSource.HUB),
    /** The hub was restored from a backup. */
    HUB_RESTORED("hub.restored", "the hub was restored from a backup into a new data directory", EventSource.HUB),
    /** An operator took a backup. */
    HUB_BACKUP_TAKEN("hub.backup_taken", "an operator took a backup", Party.OPERATOR),
    /** The embedded PostgreSQL died and the hub started it again (doctor DR018). */
    DATABASE_RESTARTED("database.restarted", "the embedded PostgreSQL died while the hub ran and was started again",
            EventSource.HUB),
    /** A background task failed after succeeding, or on its first run. */
    WORKER_TASK_FAILED("worker.task_failed", "a background task failed after succeeding, or on its first run", EventSource.WORKER),
    /** A background task succeeded again after failing. */
    WORKER_TASK_RECOVERED("worker.task_recovered", "a background task succeeded again after failing",
            EventSource.WORKER),
    /** The wall clock jumped (NTP, an operator) and the scheduled tasks were re-timed from the new time. */
    WORKER_CLOCK_STEPPED("worker.clock_stepped", "the wall clock was stepped and the scheduled tasks re-timed",
            EventSource.WORKER),
    /** An operator paused one worker job, or all of them, with a reason and perhaps a deadline. */
    WORKER_PAUSED("worker.paused", "an operator paused a worker job (or all of them), with a reason and perhaps a deadline",
            Party.OPERATOR),
    /** A paused job runs again: an operator resumed it, or its pause reached its deadline. */
    WORKER_RESUMED("worker.resumed", "a paused worker job runs again: an operator resumed it, or its pause reached its deadline",
            Party.OPERATOR, EventSource.WORKER),

    // --- operators and access ---
    /** An operator token was minted. */
    OPERATOR_TOKEN_ISSUED("operator.token_issued",
            "an operator token was minted: the first admin token at creation, by an admin, or as a sign-in session "
                    + "(`idp_issuer`, `idp_subject`, `idp_groups` in the details)", Party.OPERATOR,
            EventSource.HUB),
    /** An admin revoked an operator token; every replica refuses it from then on. */
    OPERATOR_TOKEN_REVOKED("operator.token_revoked",
            "an admin revoked an operator token (its jti in the details); every replica refuses it from then on",
            Party.OPERATOR),
    /** An operator signed in to the web console, with a pasted token or through the identity provider. */
    CONSOLE_SIGNED_IN("console.signed_in", "an operator signed in to the web console (`/ui`); `with` is `token` or `oidc`, "
            + "`jti` the operator token the session stands on", Party.OPERATOR),
    /** An operator signed out of the web console. */
    CONSOLE_SIGNED_OUT("console.signed_out", "an operator signed out of the web console; a sign-in session's token is "
            + "revoked with it", Party.OPERATOR),
    /** A call was refused; the event's code says why. */
    ACCESS_DENIED("access.denied", "a call was refused for who made it (401) or what it asked (403); the code says why",
            Party.OPERATOR, Party.PEER, Party.ANONYMOUS),
    /** An admin rotated the audit chain's HMAC key. */
    AUDIT_KEY_ROTATED("audit.key_rotated", "an admin rotated the audit chain's HMAC key", Party.OPERATOR),
    /** An operator replaced the hub's TLS certificate, or the hub renewed it by itself. */
    TLS_ROTATED("tls.rotated", "an operator replaced the hub's TLS certificate, or the hub renewed it by itself "
            + "(details.automatic); the old one is served for the grace", Party.OPERATOR, EventSource.TLS_RENEWAL),

    // --- resources ---
    /** A resource was created or replaced. */
    RESOURCE_PUT("resource.put", "a resource was created or replaced, by an operator or a peer holding a write grant",
            Party.OPERATOR, Party.PEER),
    /** An operator deleted a resource. */
    RESOURCE_DELETED("resource.deleted", "an operator deleted a resource", Party.OPERATOR),

    // --- peers ---
    /** An operator proposed a link and got an acceptance token. */
    PEER_PROPOSED("peer.proposed", "an operator proposed a link to another hub and got an acceptance token",
            Party.OPERATOR),
    /** An operator replaced a proposed peer's acceptance token. */
    PEER_TOKEN_ISSUED("peer.token_issued", "an operator replaced a proposed peer's acceptance token",
            Party.OPERATOR),
    /** Acceptance tokens expired unused. */
    PEER_TOKEN_EXPIRED("peer.token_expired", "acceptance tokens of proposed peers expired unused",
            EventSource.TOKEN_EXPIRY),
    /** The link was accepted: by the other hub using our token, or by our operator using theirs. */
    PEER_ACCEPTED("peer.accepted",
            "the link was accepted: the other hub used our token, or our operator accepted theirs", Party.TRANSITION,
            Party.OPERATOR),
    /** Both halves of the mTLS material are in place. */
    PEER_ENROLLED("peer.enrolled", "both halves of the mTLS material are in place, or a suspended peer resumed",
            Party.TRANSITION),
    /** The first heartbeat arrived, or a degraded peer recovered. */
    PEER_ACTIVE("peer.active", "the first heartbeat arrived, or a degraded peer's heartbeat came back",
            Party.TRANSITION),
    /** A peer's heartbeat is overdue. */
    PEER_DEGRADED("peer.degraded", "the stale sweep found the peer's heartbeat overdue", Party.TRANSITION),
    /** An operator suspended the peer, with a reason. */
    PEER_SUSPENDED("peer.suspended", "an operator suspended the peer, with a reason", Party.TRANSITION),
    /** An operator revoked the peer, with a reason. */
    PEER_REVOKED("peer.revoked", "an operator revoked the peer, with a reason: terminal", Party.TRANSITION),
    /** An operator changed the TLS fingerprints pinned for a peer. */
    PEER_REPINNED("peer.repinned", "an operator changed the TLS fingerprints pinned for a peer", Party.OPERATOR),
    /** An operator changed the URL this hub calls a peer at; the old and new URL are in the details. */
    PEER_URL_CHANGED("peer.url_changed", "an operator changed the URL this hub calls a peer at", Party.OPERATOR),
    /** An operator read a token's claims and fate without spending it; details carry its id and digest, never the token. */
    TOKEN_DECODED("token.decoded", "an operator decoded an acceptance or re-enrolment token without using it; "
            + "details carry its jti and SHA-256, never the token", Party.OPERATOR),
    /** An operator minted a one-time re-enrolment token for a peer locked out by a dead node certificate. */
    PEER_REENROLMENT_TOKEN_ISSUED("peer.reenrolment_token_issued",
            "an operator minted a one-time re-enrolment token for a peer whose node certificate is dead", Party.OPERATOR),
    /** A locked-out link got fresh node certificates: on the issuing hub the peer's call, on the other the operator's command. */
    PEER_REENROLLED("peer.reenrolled", "a locked-out link got fresh node certificates, keeping its peer ids, grants and history",
            Party.OPERATOR, Party.PEER),
    /** This hub renewed its client certificate for a peer. */
    PEER_CLIENT_CERT_RENEWED("peer.client_cert_renewed", "this hub renewed its client certificate for a peer",
            EventSource.RENEWAL),
    /** A heartbeat to a peer failed after a success, or with another error code than the last failure. */
    HEARTBEAT_DELIVERY_FAILED("heartbeat.delivery_failed",
            "a heartbeat to a peer failed after a success, or with another error code than the last failure",
            EventSource.HEARTBEAT),
    /** A heartbeat to a peer succeeded again after failing. */
    HEARTBEAT_DELIVERY_RECOVERED("heartbeat.delivery_recovered", "a heartbeat to a peer succeeded again after failing",
            EventSource.HEARTBEAT),

    // --- grants ---
    /** A grant was issued to a peer. */
    GRANT_ISSUED("grant.issued", "a grant was issued to a peer", Party.OPERATOR),
    /**
     * A grant stays active with new terms: an operator updated its scopes or expiry, or renewed it
     * (details.event: update or renew). Before V14 it also meant a grant waiting for approval was approved.
     */
    GRANT_ACTIVE("grant.active", "an operator updated or renewed an active grant (details.event); before V14, a "
            + "grant waiting for approval was approved", Party.TRANSITION),
    /** The worker extended auto-renewing grants of active peers. */
    GRANT_RENEWED("grant.renewed", "the worker extended auto-renewing grants of active peers at two thirds of their "
            + "term (details.ids)", EventSource.GRANT_RENEWAL),
    /** A grant reached its expiry. */
    GRANT_EXPIRED("grant.expired", "a grant reached its expires_at", Party.TRANSITION),
    /** A grant was revoked by an operator, or with its peer. */
    GRANT_REVOKED("grant.revoked", "a grant was revoked by an operator, or with its peer", Party.TRANSITION),

    // --- the federation CA ---
    /** The federation CA issued a node certificate. */
    CA_CERTIFICATE_ISSUED("ca.certificate_issued", "the federation CA issued a node certificate to a peer",
            EventSource.CA),
    /** The federation CA revoked certificates. */
    CA_CERTIFICATE_REVOKED("ca.certificate_revoked",
            "the federation CA revoked a certificate (superseded by a renewal) or all of a revoked peer's",
            EventSource.CA),
    /** A CA rotation started: a new key is trusted beside the old one. */
    CA_ROTATION_INIT("ca_rotation.init", "a CA rotation started: a new key is trusted beside the old one",
            Party.TRANSITION),
    /** The new CA key signs; peers renew onto it. */
    CA_ROTATION_UPDATE_CLIENTS("ca_rotation.update_clients", "the new CA key signs; peers renew onto it",
            Party.TRANSITION),
    /** Every peer is on the new key; the old one is still trusted. */
    CA_ROTATION_UPDATE_SERVERS("ca_rotation.update_servers",
            "every peer is on the new CA key; the old one is still trusted", Party.TRANSITION),
    /** A rotation finished (or a rollback did): one key signs and is trusted. */
    CA_ROTATION_STANDBY("ca_rotation.standby", "a rotation or a rollback finished: one key signs and is trusted",
            Party.TRANSITION),
    /** A rotation is being rolled back: the old key signs again. */
    CA_ROTATION_ROLLBACK("ca_rotation.rollback", "a rotation is being rolled back: the old key signs again",
            Party.TRANSITION),
    /** A peer renewed onto another CA key during a rotation. */
    CA_ROTATION_PEER_MOVED("ca_rotation.peer_moved", "a peer renewed onto another CA key; details count the laggards left",
            EventSource.ROTATION),
    /** The last laggard moved: the rotation's next phase may start. */
    CA_ROTATION_LAGGARDS_DRAINED("ca_rotation.laggards_drained",
            "the last laggard moved to the signing key: the rotation's next phase may start", EventSource.ROTATION),

    // --- approvals ---
    /** An operator asked for an action that needs a second operator. */
    APPROVAL_REQUESTED("approval.requested", "an operator asked for an action that needs a second operator",
            Party.OPERATOR),
    /** Another operator approved the request. */
    APPROVAL_APPROVED("approval.approved", "another operator with the approver role approved the request",
            Party.TRANSITION),
    /** An operator turned the request down. */
    APPROVAL_REJECTED("approval.rejected", "an operator turned the request down, with a reason", Party.TRANSITION),
    /** Nobody decided before the deadline. */
    APPROVAL_EXPIRED("approval.expired", "nobody decided before the request's deadline", Party.TRANSITION),
    /** The approved action ran and succeeded. */
    APPROVAL_EXECUTED("approval.executed", "the approved action ran and succeeded", Party.TRANSITION),
    /** The approved action ran and failed. */
    APPROVAL_FAILED("approval.failed", "the approved action ran and failed; details carry the error",
            Party.TRANSITION),
    /** The requester collected an executed request's secret result. */
    APPROVAL_COLLECTED("approval.collected", "the requester collected an executed request's secret result",
            Party.OPERATOR),
    /** An operator set an action's approval policy, for good or until a deadline. */
    APPROVAL_POLICY_SET("approval_policy.set", "an operator set an action's approval policy, for good or until a deadline",
            Party.OPERATOR),
    /** A temporary approval policy reached its deadline and the setting it replaced is in force again. */
    APPROVAL_POLICY_REVERTED("approval_policy.reverted",
            "a temporary approval policy reached its deadline; the setting it replaced is in force again", EventSource.APPROVALS),

    // --- governance ---
    /** The governance scan opened a finding. */
    FINDING_OPENED("finding.opened", "the governance scan opened a finding", EventSource.GOVERNANCE),
    /** The governance scan resolved a finding. */
    FINDING_RESOLVED("finding.resolved", "the governance scan found a finding's cause gone and resolved it",
            EventSource.GOVERNANCE);

    private final String value;
    private final String description;
    private final List<AuditActor> writers;

    AuditEventType(String value, String description, AuditActor... writers) {
        this.value = value;
        this.description = description;
        this.writers = List.of(writers);
    }

    /** The wire string, e.g. {@code peer.accepted}: the {@code type} of the event as stored and listed. */
    public String value() {
        return value;
    }

    /** What an event of this type records, one lower-case line. */
    public String description() {
        return description;
    }

    /** Who writes it, most usual first. */
    public List<AuditActor> writers() {
        return writers;
    }

    /** What comes before the first dot: {@code peer} for {@code peer.accepted}. */
    public String entity() {
        return value.substring(0, value.indexOf('.'));
    }

    /** The type spelled {@code value}, exactly. */
    public static Optional<AuditEventType> parse(String value) {
        return Arrays.stream(values()).filter(t -> t.value.equals(value)).findFirst();
    }

    /**
     * The types to offer someone who asked for {@code value}, which is not one: those of the same
     * entity when there are any, otherwise all, comma-separated.
     */
    public static String suggestions(String value) {
        String entity = value == null || value.indexOf('.') < 0 ? value : value.substring(0, value.indexOf('.'));
        List<AuditEventType> same = Arrays.stream(values()).filter(t -> t.entity().equals(entity)).toList();
        return (same.isEmpty() ? Arrays.asList(values()) : same).stream().map(AuditEventType::value)
                .collect(Collectors.joining(", "));
    }
}
