package dev.entente.client.cli;

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
    private final int exitCode;

    CliException(JsonNode problem) {
        this(problem, 1);
    }

    /** A failure with its own exit code, for a command whose outcomes scripts tell apart ({@code entente stop}). */
    CliException(JsonNode problem, int exitCode) {
        super(member(problem, "code") + ": " + member(problem, "detail"));
        this.problem = problem.deepCopy();
        this.exitCode = exitCode;
    }

    CliException(Problem problem) {
        this(JSON.valueToTree(problem));
    }

    CliException(Problem problem, int exitCode) {
        this(JSON.valueToTree(problem), exitCode);
    }

    JsonNode problem() {
        return problem;
    }

    int exitCode() {
        return exitCode;
    }

    /** A member as the operator reads it: a string without quotes, anything else as JSON. */
    static String member(JsonNode problem, String name) {
        JsonNode v = problem.get(name);
        return v == null || v.isNull() ? "null" : v.isTextual() ? v.asText() : v.toString();
    }
}
