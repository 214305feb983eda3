package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code entente status}: the hub at a glance, one line per part (identity, listener, TLS, peers
 * by state, pending tokens, worker, last error, clock) and then the warnings; {@code --output json}
 * prints the API's answer as it is.
 */
@Command(name = "status", description = "Show the hub at a glance: listener, TLS certificate, peers by state, pending "
        + "tokens, worker, clock skew and warnings.")
final class StatusCommand extends ClientCommand {
    @Override
    public Integer call() {
        JsonNode s = client().get("api/v1/status");
        if ("json".equals(root().output())) {
            return print(s);
        }
        PrintWriter out = spec.commandLine().getOut();
        line(out, "hub", s.path("name").asText() + " (" + s.path("hub_id").asText() + "), up "
                + s.path("uptime_s").asLong() + "s, database " + s.path("database").asText()
                + (s.path("drill_mode").asBoolean() ? ", drill mode" : ""));
        line(out, "listening", s.path("listening").asText() + ", public URL " + s.path("public_url").asText());
        JsonNode tls = s.path("tls");
        line(out, "tls", tls.path("fingerprint").asText() + ", " + (tls.path("expires_in_s").asLong() <= 0 ? "expired at "
                : "expires ") + tls.path("not_after").asText());
        line(out, "peers", peers(s.path("peers")));
        JsonNode tokens = s.path("pending_tokens");
        if (tokens.isArray() && !tokens.isEmpty()) {
            for (JsonNode t : tokens) {
                line(out, "token", t.path("name").asText() + " (" + t.path("peer_id").asText() + ") "
                        + (t.path("expired").asBoolean() ? "expired at " : "expires ") + t.path("expires_at").asText());
            }
        } else {
            line(out, "tokens", tokens.isArray() ? "none pending" : "unknown (database unreachable)");
        }
        JsonNode worker = s.path("worker");
        line(out, "worker", worker.isObject() ? "last run " + worker.path("task").asText() + " at "
                + worker.path("started_at").asText() + (worker.path("outcome").isTextual()
                ? " (" + worker.path("outcome").asText() + ")" : " (running)") : "no run recorded");
        JsonNode error = s.path("last_error");
        line(out, "last error", error.isObject() ? error.path("task").asText() + " at " + error.path("at").asText()
                + ": " + firstLine(error.path("error").asText()) : "none");
        JsonNode clock = s.path("clock");
        line(out, "clock", clock.isObject() ? String.format(Locale.ROOT, "%+.3fs against %d peer(s) (±%dms)%s",
                clock.path("offset_ms").asLong() / 1000.0, clock.path("peers").asInt(), clock.path("uncertainty_ms").asLong(),
                clock.path("skewed").asBoolean() ? ", SKEWED (doctor DR020)" : "") : "not measured yet");
        JsonNode warnings = s.path("warnings");
        if (warnings.isEmpty()) {
            line(out, "warnings", "none");
        }
        for (JsonNode w : warnings) {
            line(out, "warning", w.asText());
        }
        out.flush();
        return 0;
    }

    private static String peers(JsonNode p) {
        if (!p.isObject()) {
            return "unknown (database unreachable)";
        }
        List<String> parts = new ArrayList<>();
        for (String state : List.of("active", "degraded", "enrolled", "accepted", "proposed", "suspended", "revoked")) {
            if (p.path(state).asInt() > 0) {
                parts.add(p.path(state).asInt() + " " + state);
            }
        }
        return p.path("total").asInt() + " total" + (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
    }

    private static void line(PrintWriter out, String label, String text) {
        out.printf("%-11s %s%n", label, text);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
