package dev.entente.lifecycle.error;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.Map;

/**
 * An RFC 9457 problem as Entente serves it: {@code type}, {@code code}, {@code title},
 * {@code status}, {@code detail}, {@code runbook}, then the extension members, in that order
 * whichever mapper writes it.
 *
 * @param extensions extension members such as {@code state} or {@code allowed_events}: free-form
 *                   by design (RFC 9457 §3.2), each error adds what its reader needs
 */
@JsonPropertyOrder({"type", "code", "title", "status", "detail", "runbook"})
public record Problem(String code, String title, int status, String detail, String runbook,
                      @JsonIgnore Map<String, Object> extensions) {

    public Problem {
        extensions = Map.copyOf(extensions);
    }

    public static Problem of(ErrorCode code, String detail) {
        return of(code, detail, Map.of());
    }

    public static Problem of(ErrorCode code, String detail, Map<String, ?> extensions) {
        return new Problem(code.code(), code.title(), code.status(), detail, code.runbook(), Map.<String, Object>copyOf(extensions));
    }

    /** The problem type URI, one per code. */
    @JsonProperty("type")
    public String type() {
        return "https://entente.dev/problems/" + code;
    }

    @JsonAnyGetter
    private Map<String, ?> members() {
        return extensions;
    }
}
