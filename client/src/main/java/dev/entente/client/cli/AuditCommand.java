package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.client.cli.Output.Column;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code entente audit ls | verify | rotate-key}. */
@Command(name = "audit", description = "The HMAC-chained audit log.",
        subcommands = {AuditCommand.Ls.class, AuditCommand.Verify.class, AuditCommand.RotateKey.class})
final class AuditCommand {
    /** The record's own fields; its free-form details are in --output json. */
    static final List<Column> COLUMNS = List.of(Column.field("SEQ", "seq"), Column.field("AT", "at"),
            Column.field("TYPE", "type"), Column.field("CODE", "code"), Column.field("ACTOR", "actor"),
            Column.field("SUBJECT", "subject"));

    @Command(name = "ls", description = "List what operators and peers did, newest first (the hub's own events: entente events).")
    static final class Ls extends ClientCommand {
        @Option(names = "--type", paramLabel = "T", description = "Only events of this type, e.g. access.denied.")
        String type;

        @Option(names = "--since", paramLabel = "D", description = "Only events of the last D, e.g. 10m.")
        String since;

        @Option(names = "--limit", paramLabel = "N", description = "At most N events (default 100).")
        Integer limit;

        @Option(names = "--all", description = "Include the hub's own events (sweeps, handshakes, renewals...).")
        boolean all;

        @Override
        public Integer call() {
            List<String> query = new ArrayList<>();
            if (all) {
                query.add("all=true");
            }
            if (type != null) {
                query.add("type=" + URLEncoder.encode(type, StandardCharsets.UTF_8));
            }
            if (since != null) {
                query.add("since=" + URLEncoder.encode(since, StandardCharsets.UTF_8));
            }
            if (limit != null) {
                query.add("limit=" + limit);
            }
            return print(client().get("api/v1/audit" + (query.isEmpty() ? "" : "?" + String.join("&", query))), COLUMNS);
        }
    }

    @Command(name = "verify", description = "Walk the chain; exit 1 and name the first broken event if any.")
    static final class Verify extends ClientCommand {
        @Override
        public Integer call() {
            JsonNode result = client().get("api/v1/audit/verify");
            print(result);
            return result.path("ok").asBoolean() ? 0 : 1;
        }
    }

    @Command(name = "rotate-key", description = "Start signing new events with a new HMAC key (old keys still verify).")
    static final class RotateKey extends ClientCommand {
        @Override
        public Integer call() {
            return print(client().post("api/v1/audit/keys/rotate"));
        }
    }
}
