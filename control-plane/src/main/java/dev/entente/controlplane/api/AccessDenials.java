package dev.entente.controlplane.api;

import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import io.micronaut.http.HttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/** Every refused call, 401 or 403, becomes an {@code access.denied} audit event with its code. */
public final class AccessDenials {
    private static final Logger LOG = LoggerFactory.getLogger(AccessDenials.class);

    private AccessDenials() {
    }

    public static void record(Tx tx, AuditLog audit, HttpRequest<?> request, EntenteException e, String actor) {
        try {
            AuditDetails details = AuditDetails.of()
                    .put("method", request.getMethodName())
                    .put("path", request.getPath())
                    .put("remote", request.getRemoteAddress().getAddress().getHostAddress())
                    .put("reason", e.detail());
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.ACCESS_DENIED, actor,
                    request.getPath(), details).withCode(e.code().code())));
        } catch (RuntimeException auditFailure) {
            // The denial stands even if the database is down; the log keeps the trace.
            LOG.warn("could not audit access.denied ({}): {}", e.code().code(), auditFailure.getMessage());
        }
    }
}
