package dev.entente.controlplane.ui;

import dev.entente.federation.peer.Durations;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.AuditRecord;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Audit and events: the one audit chain, newest first, filtered by type, source (what operators
 * and peers did, or one of the hub's own sources), actor and time, as {@code entente audit ls}
 * and {@code entente events} read it.
 */
@Controller(ConsoleView.HOME + "/audit")
@Produces(MediaType.TEXT_HTML)
public class AuditPage {
    /** Rows shown at most. */
    static final int SHOWN = 200;
    /** Rows read when filtering by actor, which the chain's index does not cover. */
    private static final int SCANNED = 5_000;
    /** The source value for what operators and calling peers did. */
    static final String OPERATORS = "operators";
    private final ConsoleView view;
    private final ConsoleActions actions;
    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;

    public AuditPage(ConsoleView view, ConsoleActions actions, Tx tx, AuditLog audit, Clock clock) {
        this.view = view;
        this.actions = actions;
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
    }

    /** One event as the page lists it. */
    public record EventRow(long seq, String at, String type, String code, String actor, String subject, String details) {
        static EventRow of(AuditRecord r) {
            return new EventRow(r.seq(), r.at().toString(), r.type(), r.code(), r.actor(), r.subject(), r.details());
        }
    }

    @Get
    public HttpResponse<?> events(HttpRequest<?> request, @Nullable @QueryValue String type, @Nullable @QueryValue String source,
                                  @Nullable @QueryValue String actor, @Nullable @QueryValue String since) {
        return actions.attempt(request, () -> {
            String t = blankless(type);
            String s = blankless(source);
            String a = blankless(actor);
            String from = blankless(since);
            if (t != null && AuditEventType.parse(t).isEmpty()) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "unknown audit event type " + t + "; use one of: "
                        + AuditEventType.suggestions(t), Map.of("field", "type"));
            }
            AuditLog.Scope scope = s == null ? AuditLog.Scope.ALL : s.equals(OPERATORS) ? AuditLog.Scope.AUDIT : AuditLog.Scope.SYSTEM;
            EventSource origin = scope != AuditLog.Scope.SYSTEM ? null : EventSource.parse(s).orElseThrow(() ->
                    new EntenteException(ErrorCode.INVALID_REQUEST, "unknown event source '" + s + "'; known: " + OPERATORS
                            + ", " + EventSource.names(), Map.of("field", "source")));
            Instant start = from == null ? null : clock.instant().minus(Durations.parse("since", from, Durations.MAX));
            List<AuditRecord> records = tx.read(c -> audit.list(c, scope, origin, t, start, a == null ? SHOWN : SCANNED));
            List<EventRow> rows = records.stream().filter(r -> a == null || (r.actor() != null && r.actor().contains(a)))
                    .limit(SHOWN).map(EventRow::of).toList();
            Map<String, Object> model = view.model(request, "audit");
            model.put("events", rows);
            model.put("type", t);
            model.put("source", s);
            model.put("actor", a);
            model.put("since", from);
            model.put("types", Arrays.stream(AuditEventType.values()).map(AuditEventType::value).sorted().toList());
            model.put("sources", Arrays.stream(EventSource.values()).map(EventSource::value).toList());
            model.put("shown", SHOWN);
            return view.page(request, "audit", model);
        });
    }

    private static String blankless(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
