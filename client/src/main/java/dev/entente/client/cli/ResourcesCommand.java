package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.client.request.resource.ResourceRequest;
import dev.entente.client.cli.Output.Column;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import dev.entente.lifecycle.error.ErrorCode;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code entente resources put KIND/NAME [--instance ..] [--network ..] [--attr k=v]... | list | delete KIND/NAME}. */
@Command(name = "resources", description = "Resources this hub exports to its peers.",
        subcommands = {ResourcesCommand.Put.class, ResourcesCommand.ListResources.class, ResourcesCommand.Delete.class})
final class ResourcesCommand {

    /** {@code KIND/NAME} → the API path; the hub validates both parts. */
    static String path(String kindSlashName) {
        int slash = kindSlashName.indexOf('/');
        if (slash <= 0 || slash == kindSlashName.length() - 1 || kindSlashName.indexOf('/', slash + 1) >= 0) {
            throw HubClient.problem(ErrorCode.INVALID_REQUEST, "write a resource as KIND/NAME, e.g. service/web-1; got " + kindSlashName);
        }
        return "api/v1/resources/" + kindSlashName.substring(0, slash) + "/" + kindSlashName.substring(slash + 1);
    }

    @Command(name = "put", description = "Create or replace a resource.")
    static final class Put extends ClientCommand {
        @Parameters(index = "0", paramLabel = "KIND/NAME", description = "The resource, e.g. service/web-1.")
        String resource;

        @Option(names = "--instance", paramLabel = "ID", description = "The instance it belongs to.")
        String instance;

        @Option(names = "--network", paramLabel = "ID", description = "The network it belongs to.")
        String network;

        @Option(names = "--attr", paramLabel = "K=V", description = "An attribute (repeatable).")
        List<String> attributes;

        @Override
        public Integer call() {
            Map<String, String> attrs = new LinkedHashMap<>();
            if (attributes != null) {
                for (String a : attributes) {
                    int eq = a.indexOf('=');
                    if (eq <= 0) {
                        throw HubClient.problem(ErrorCode.INVALID_REQUEST, "--attr takes key=value, got " + a);
                    }
                    attrs.put(a.substring(0, eq), a.substring(eq + 1));
                }
            }
            return print(client().put(path(resource), new ResourceRequest(instance, network, attrs)));
        }
    }

    /** Shared with {@code remote resources list}: a peer's resources look like ours. */
    static final List<Column> COLUMNS = List.of(Column.field("KIND", "kind"), Column.field("NAME", "name"),
            Column.field("INSTANCE", "instance_id"), Column.field("NETWORK", "network_id"),
            new Column("ATTRIBUTES", r -> attributes(r.path("attributes"))));

    static String attributes(JsonNode attributes) {
        List<String> pairs = new ArrayList<>();
        attributes.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + Output.cell(e.getValue())));
        return pairs.isEmpty() ? "-" : String.join(",", pairs);
    }

    @Command(name = "list", description = "All exported resources.")
    static final class ListResources extends ClientCommand {
        @Override
        public Integer call() {
            return print(client().get("api/v1/resources"), COLUMNS);
        }
    }

    @Command(name = "delete", description = "Stop exporting a resource.")
    static final class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "KIND/NAME", description = "The resource, e.g. service/web-1.")
        String resource;

        @Override
        public Integer call() {
            return print(client().delete(path(resource)));
        }
    }
}
