package dev.entente.federation.grant;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 */
public record Decision(boolean applies, ErrorCode code, String detail, List<Check> checks) {

    public Decision {
        checks = List.copyOf(checks);
        if (applies != (code == null)) {
            throw new IllegalArgumentException("a decision has a code exactly when it does not apply");
        }
    }

    /** {@code grants explain --output json} (DESIGN §10): {@code {"applies", "checks": [...]}}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("applies", applies);
        List<Map<String, Object>> list = new ArrayList<>(checks.size());
        checks.forEach(c -> list.add(c.toMap()));
        m.put("checks", list);
        return m;
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
