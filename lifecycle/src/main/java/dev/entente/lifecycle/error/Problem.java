package dev.entente.lifecycle.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem as Entente serves it: {@code code}, {@code title}, {@code status},
 * {@code detail}, {@code runbook}, plus optional extension members.
 */
public record Problem(String code, String title, int status, String detail, String runbook,
                      Map<String, Object> extensions) {

    public static Problem of(ErrorCode code, String detail) {
        return of(code, detail, Map.of());
    }

    public static Problem of(ErrorCode code, String detail, Map<String, Object> extensions) {
        return new Problem(code.code(), code.title(), code.status(), detail, code.runbook(), extensions);
    }

    /** The JSON members in a stable order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "https://entente.dev/problems/" + code);
        m.put("code", code);
        m.put("title", title);
        m.put("status", status);
        m.put("detail", detail);
        m.put("runbook", runbook);
        m.putAll(extensions);
        return m;
    }
}
