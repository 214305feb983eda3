package dev.entente.lifecycle.doctor;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One thing a check found.
 *
 * @param code        {@code DR0xx}
 * @param name        the check's stable snake_case name
 * @param severity    how bad it is
 * @param diagnosis   one sentence, lower-case, no trailing period
 * @param nextCommand an {@code entente ...} command line to run next (it parses; a spec checks)
 * @param subject     what it is about: a peer id, a task, a certificate fingerprint; null for the hub
 */
public record Finding(DoctorCode code, String name, Severity severity, String diagnosis, String nextCommand,
                      String subject) {

    public static Finding of(DoctorCode code, String diagnosis, String nextCommand, String subject) {
        return new Finding(code, code.checkName(), code.severity(), diagnosis, nextCommand, subject);
    }

    public Finding withSeverity(Severity s) {
        return new Finding(code, name, s, diagnosis, nextCommand, subject);
    }

    /** The finding as JSON: its {@link View}. */
    @JsonValue
    public View view() {
        return new View(code.code(), name, severity.value(), diagnosis, nextCommand, subject);
    }

    /** The API's and {@code doctor --output json}'s form, snake_case keys in this order. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record View(String code, String name, String severity, String diagnosis, String nextCommand, String subject) {
    }
}
