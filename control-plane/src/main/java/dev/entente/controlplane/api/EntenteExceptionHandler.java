package dev.entente.controlplane.api;

import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.OperatorTokenValidator;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/** Every deliberate domain error becomes its problem+json with its own status. */
@Produces
@Singleton
@Requires(classes = {EntenteException.class, ExceptionHandler.class})
public class EntenteExceptionHandler implements ExceptionHandler<EntenteException, HttpResponse<?>> {
    private static final Logger LOG = LoggerFactory.getLogger(EntenteExceptionHandler.class);
    /** Refusals of a client certificate whose key TLS proved the caller holds: its peer made the call. */
    private static final Set<ErrorCode> CERTIFICATE_REFUSALS = Set.of(ErrorCode.CLIENT_CERT_EXPIRED,
            ErrorCode.CLIENT_CERT_NOT_YET_VALID, ErrorCode.CLIENT_CERT_UNTRUSTED, ErrorCode.CLIENT_CERT_REVOKED);
    private final Tx tx;
    private final AuditLog audit;

    public EntenteExceptionHandler(Tx tx, AuditLog audit) {
        this.tx = tx;
        this.audit = audit;
    }

    @Override
    public HttpResponse<?> handle(HttpRequest request, EntenteException e) {
        if (e.code().status() >= 500) {
            LOG.warn("{} {}: {}", request.getMethodName(), request.getPath(), e.getMessage(), e);
        }
        // A peer's refusal relayed to our operator (remote_code) is the peer's denial, audited there.
        if (refusesCredential(e.code()) && !e.extensions().containsKey("remote_code")) {
            String actor = OperatorTokenValidator.principal(request).map(OperatorPrincipal::subject)
                    .orElseGet(() -> refusedPeer(request, e));
            AccessDenials.record(tx, audit, request, e, actor);
        }
        return Problems.response(e);
    }

    /**
     * A federation call refused for a certificate this hub issued is that peer's, named by the
     * refusal (certificate serial → issuance record → peer): a locked-out peer shows up as itself.
     */
    private static String refusedPeer(HttpRequest<?> request, EntenteException e) {
        Object peerId = e.extensions().get("peer_id");
        return peerId != null && CERTIFICATE_REFUSALS.contains(e.code()) ? "peer:" + peerId : "anonymous";
    }

    /** 401 and 403, and the refusals of a presented token that are not: replays (409), garbage (400). */
    private static boolean refusesCredential(ErrorCode code) {
        return code.status() == 401 || code.status() == 403
                || code == ErrorCode.ACCEPTANCE_TOKEN_USED || code == ErrorCode.ACCEPTANCE_TOKEN_MALFORMED
                || code == ErrorCode.REENROLMENT_TOKEN_USED;
    }
}
