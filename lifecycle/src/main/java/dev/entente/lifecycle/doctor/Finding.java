package dev.entente.lifecycle.doctor;

import java.util.LinkedHashMap;
import java.util.Map;

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

    /** The API's snake_case form. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code.code());
        m.put("name", name);
        m.put("severity", severity.value());
        m.put("diagnosis", diagnosis);
        m.put("next_command", nextCommand);
        m.put("subject", subject);
        return m;
    }
}
