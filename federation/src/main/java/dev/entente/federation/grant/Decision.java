package dev.entente.federation.grant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.List;
import java.util.Map;

/**
 * Whether a grant applies to a call, and why.
 *
 * @param applies whether the call may proceed
 * @param code    {@code null} when it applies; otherwise the first failing check's code (all 403:
 *                {@code grant_revoked}, {@code grant_expired},
 *                {@code grant_permission_insufficient}, {@code grant_scope_mismatch})
 * @param detail  the first failing check's detail, or a summary when it applies
 * @param checks  every check in order (state, permission, instance, network, source_ip), each
 *                evaluated even after a failure so {@code grants explain} shows the whole picture
 *
 * <p>As JSON ({@code grants explain --output json}, DESIGN §10): {@code {"applies", "checks": [...]}};
 * the code and detail are the 403's, not part of the explanation.
 */
@JsonPropertyOrder({"applies", "checks"})
public record Decision(boolean applies, @JsonIgnore ErrorCode code, @JsonIgnore String detail, List<Check> checks) {

    public Decision {
        checks = List.copyOf(checks);
        if (applies != (code == null)) {
            throw new IllegalArgumentException("a decision has a code exactly when it does not apply");
        }
    }

    /**
     * Nothing when the grant applies; otherwise the 403 to answer with (problem extension
     * {@code check}: which check failed).
     */
    public void orThrow() {
        if (!applies) {
            String failed = checks.stream().filter(c -> !c.ok()).map(Check::check).findFirst().orElse("state");
            throw new EntenteException(code, detail, Map.of("check", failed));
        }
    }
}
