package dev.entente.controlplane.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** A failure to report: the problem members ({@code code}, {@code title}, {@code detail}, {@code runbook}). */
final class CliException extends RuntimeException {
    private final Map<String, Object> problem;

    CliException(Map<String, Object> problem) {
        super(String.valueOf(problem.get("code")) + ": " + problem.get("detail"));
        this.problem = new LinkedHashMap<>(problem);
    }

    Map<String, Object> problem() {
        return problem;
    }

    String code() {
        return String.valueOf(problem.get("code"));
    }
}
