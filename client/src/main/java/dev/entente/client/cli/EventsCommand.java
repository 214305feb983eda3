package dev.entente.client.cli;

import dev.entente.client.cli.Output.Column;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code entente events [--source S] [--type T] [--since D] [--limit N]}. */
@Command(name = "events", description = "What the hub did on its own (sweeps, handshakes, renewals, expiries, failures), newest first.")
final class EventsCommand extends ClientCommand {
    static final List<Column> COLUMNS = List.of(Column.field("SEQ", "seq"), Column.field("AT", "at"),
            Column.field("SOURCE", "source"), Column.field("TYPE", "type"), Column.field("CODE", "code"),
            Column.field("ACTOR", "actor"), Column.field("SUBJECT", "subject"));

    @Option(names = "--source", paramLabel = "S", description = "Only events from this part of the hub: hub, handshake, "
            + "heartbeat, heartbeat_sweep, renewal, tls_renewal, ca, rotation, token_expiry, grant_expiry, grant_renewal, approvals, governance, worker.")
    String source;

    @Option(names = "--type", paramLabel = "T", description = "Only events of this type, e.g. peer.degraded.")
    String type;

    @Option(names = "--since", paramLabel = "D", description = "Only events of the last D, e.g. 1h.")
    String since;

    @Option(names = "--limit", paramLabel = "N", description = "At most N events (default 100).")
    Integer limit;

    @Override
    public Integer call() {
        List<String> query = new ArrayList<>();
        add(query, "source", source);
        add(query, "type", type);
        add(query, "since", since);
        if (limit != null) {
            query.add("limit=" + limit);
        }
        return print(client().get("api/v1/events" + (query.isEmpty() ? "" : "?" + String.join("&", query))), COLUMNS);
    }

    private static void add(List<String> query, String name, String value) {
        if (value != null) {
            query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
