package dev.entente.controlplane.api.audit;

import dev.entente.federation.approval.ApprovalGate;
import dev.entente.lifecycle.db.Tx;
import java.time.Clock;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.federation.anchor.AnchoredAudit;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.federation.peer.Durations;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.Permission;
import dev.entente.federation.command.RotateAuditKey;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.AuditRecord;
import dev.entente.lifecycle.audit.AuditVerification;
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

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit log: list, verify the HMAC chain, rotate the chain's key. Listing shows what operators
 * and calling peers did; the hub's own events (same chain) are under {@code /api/v1/events}, or
 * here with {@code all=true}.
 */
@Controller("/api/v1/audit")
public class AuditController {
    private static final ObjectMapper JSON = new ObjectMapper();
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
    public List<Map<String, Object>> list(HttpRequest<?> request, @Nullable @QueryValue String type,
                                          @Nullable @QueryValue String since, @Nullable @QueryValue Integer limit,
                                          @Nullable @QueryValue Boolean all) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        AuditLog.Scope scope = Boolean.TRUE.equals(all) ? AuditLog.Scope.ALL : AuditLog.Scope.AUDIT;
        return list(tx, audit, clock, scope, null, type, since, limit);
    }

    /** One listing of the chain, its query arguments checked the same way for audit and events. */
    static List<Map<String, Object>> list(Tx tx, AuditLog audit, Clock clock, AuditLog.Scope scope, EventSource source, String type,
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
        return records.stream().map(AuditController::toJson).toList();
    }

    @Get("/verify")
    public Map<String, Object> verify(HttpRequest<?> request) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        AnchoredAudit.Result result = anchoredAudit.verify();
        AuditVerification v = result.verification();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", v.ok());
        out.put("events", v.events());
        out.put("first_broken", v.firstBroken());
        out.put("reason", v.reason());
        Map<String, Object> truncated = null;
        if (v.truncated() != null) {
            truncated = new LinkedHashMap<>();
            truncated.put("anchored_seq", v.truncated().anchoredSeq());
            truncated.put("db_seq", v.truncated().dbSeq());
            truncated.put("witness", v.truncated().witness());
        }
        out.put("truncated", truncated);
        List<Map<String, Object>> anchors = new java.util.ArrayList<>();
        result.anchors().forEach(a -> anchors.add(Map.of("witness", a.witness(), "seq", a.head().seq(), "superseded", false)));
        result.superseded().forEach(a -> anchors.add(Map.of("witness", a.witness(), "seq", a.head().seq(), "superseded", true)));
        out.put("anchors", anchors);
        return out;
    }

    @Post("/keys/rotate")
    public HttpResponse<?> rotateKey(HttpRequest<?> request) {
        OperatorPrincipal admin = OperatorAuthFilter.principal(request);
        admin.require(Permission.ADMIN);
        return HttpResponse.ok(approvals.submit(new RotateAuditKey(), admin.approvalOperator()).body());
    }

    private static Map<String, Object> toJson(AuditRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", r.seq());
        m.put("at", r.at().toString());
        m.put("type", r.type());
        m.put("code", r.code());
        m.put("actor", r.actor());
        EventSource.ofActor(r.actor()).ifPresent(source -> m.put("source", source.value()));
        m.put("subject", r.subject());
        try {
            m.put("details", JSON.readValue(r.details(), Map.class));
        } catch (IOException e) {
            m.put("details", r.details());
        }
        return m;
    }
}
