package dev.entente.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.lifecycle.error.Problem;

/**
 * A failure to report: a problem+json object ({@code code}, {@code title}, {@code detail},
 * {@code runbook}, ...), kept as the hub answered it so its extension members reach the operator.
 */
final class CliException extends RuntimeException {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode problem;

    CliException(JsonNode problem) {
        super(member(problem, "code") + ": " + member(problem, "detail"));
        this.problem = problem.deepCopy();
    }

    CliException(Problem problem) {
        this(JSON.valueToTree(problem));
    }

    JsonNode problem() {
        return problem;
    }

    /** A member as the operator reads it: a string without quotes, anything else as JSON. */
    static String member(JsonNode problem, String name) {
        JsonNode v = problem.get(name);
        return v == null || v.isNull() ? "null" : v.isTextual() ? v.asText() : v.toString();
    }
}
