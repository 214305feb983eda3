package dev.entente.controlplane.api.audit;

import dev.entente.federation.approval.ApprovalGate;
import dev.entente.lifecycle.db.Tx;
import java.time.Clock;
import dev.entente.federation.anchor.AnchoredAudit;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.federation.peer.Durations;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.federation.command.RotateAuditKey;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.AuditRecord;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The audit log: list, verify the HMAC chain, rotate the chain's key. Listing shows what operators
 * and calling peers did; the hub's own events (same chain) are under {@code /api/v1/events}, or
 * here with {@code all=true}.
 */
@Controller("/api/v1/audit")
public class AuditController {
    private final Clock clock;
    private final Tx tx;
    private final AuditLog audit;
    private final AnchoredAudit anchoredAudit;
    private final ApprovalGate approvals;

    public AuditController(Clock clock, Tx tx, AuditLog audit, AnchoredAudit anchoredAudit, ApprovalGate approvals) {
        this.clock = clock;
        this.tx = tx;
        this.audit = audit;
        this.anchoredAudit = anchoredAudit;
        this.approvals = approvals;
    }

    @Get
    public List<AuditEntry> list(@Nullable @QueryValue String type, @Nullable @QueryValue String since,
                                 @Nullable @QueryValue Integer limit, @Nullable @QueryValue Boolean all) {
        AuditLog.Scope scope = Boolean.TRUE.equals(all) ? AuditLog.Scope.ALL : AuditLog.Scope.AUDIT;
        return list(tx, audit, clock, scope, null, type, since, limit);
    }

    /** One listing of the chain, its query arguments checked the same way for audit and events. */
    static List<AuditEntry> list(Tx tx, AuditLog audit, Clock clock, AuditLog.Scope scope, EventSource source, String type,
                                 String since, Integer limit) {
        Instant from = since == null ? null : clock.instant().minus(Durations.parse("since", since, Durations.MAX));
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 10_000) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "limit must be between 1 and 10000");
        }
        if (type != null && !type.matches("[a-z_]+(\\.[a-z_]+)*")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "type looks like peer.accepted or access.denied");
        }
        // A typo would otherwise list nothing, which reads as "it never happened".
        if (type != null && AuditEventType.parse(type).isEmpty()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "unknown audit event type " + type + "; use one of: "
                    + AuditEventType.suggestions(type), Map.of("field", "type"));
        }
        List<AuditRecord> records = tx.read(c -> audit.list(c, scope, source, type, from, n));
        return records.stream().map(AuditEntry::of).toList();
    }

    @Get("/verify")
    public ChainVerification verify() {
        return ChainVerification.of(anchoredAudit.verify());
    }

    @Post("/keys/rotate")
    public HttpResponse<?> rotateKey(HttpRequest<?> request) {
        OperatorPrincipal admin = OperatorAuthFilter.principal(request);
        return HttpResponse.ok(approvals.submit(new RotateAuditKey(), admin.approvalOperator()).body());
    }
}
