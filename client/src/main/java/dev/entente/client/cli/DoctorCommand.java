package dev.entente.client.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.DoctorRunbook;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.PublicCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code entente doctor [--explain CODE]}: one line per finding with the command to run next;
 * exit 1 when any finding is at error severity. {@code --explain} prints the code's runbook
 * section from the copy bundled in the jar, without contacting a hub.
 */
@Command(name = "doctor", description = "Run every check; print one line per finding and the command to run next.")
final class DoctorCommand extends ClientCommand {
    @Option(names = "--explain", paramLabel = "CODE", description = "Print the runbook section of a doctor code (DR001...) or of an error code (acceptance_token_used...).")
    String explain;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (explain != null) {
            return explain(out);
        }
        JsonNode report = client().get("api/v1/doctor");
        if ("json".equals(root().output())) {
            Output.print(out, "json", report);
        } else {
            JsonNode findings = report.path("findings");
            if (findings.isEmpty()) {
                out.println("ok: no findings");
            }
            for (JsonNode f : findings) {
                out.printf("%-5s  %-7s  %s  next: %s%n", f.path("code").asText(), f.path("severity").asText(),
                        f.path("diagnosis").asText(), f.path("next_command").asText());
            }
            out.flush();
        }
        return report.path("ok").asBoolean(false) ? 0 : 1;
    }

    private int explain(PrintWriter out) {
        // Any code the CLI prints can be looked up here: doctor codes and error codes alike.
        PublicCode code = DoctorCode.find(explain);
        if (code == null) {
            code = ErrorCode.byCode(explain.toLowerCase(java.util.Locale.ROOT)).orElse(null);
        }
        if (code == null) {
            throw HubClient.problem(ErrorCode.INVALID_REQUEST, "no doctor or error code " + explain + "; doctor codes are "
                    + Arrays.stream(DoctorCode.values()).map(DoctorCode::code).collect(Collectors.joining(", "))
                    + ", error codes are in docs/codes.txt");
        }
        PublicCode found = code;
        String section = DoctorRunbook.section(code).orElseThrow(() -> HubClient.problem(ErrorCode.INTERNAL_ERROR,
                "the runbook section " + DoctorRunbook.anchor(found) + " is not bundled in this build"));
        if ("json".equals(root().output())) {
            DoctorCode doctor = code instanceof DoctorCode d ? d : null;
            Integer status = code instanceof ErrorCode error ? error.status() : null;
            out.println(Output.json(new Explanation(code.code(), code.title(), doctor == null ? null : doctor.checkName(),
                    doctor == null ? null : doctor.severity().value(), status, DoctorRunbook.anchor(code), section)));
        } else {
            out.println(section);
            out.println();
            out.println("(" + DoctorRunbook.anchor(code) + ")");
        }
        out.flush();
        return 0;
    }

    /**
     * What {@code doctor --explain CODE --output json} prints: a doctor code carries its check's
     * name and severity, an error code its HTTP status; the other kind's fields are left out.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Explanation(String code, String title, String name, String severity, Integer status, String runbook,
                       String section) {
    }
}
