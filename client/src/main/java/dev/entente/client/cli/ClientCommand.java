package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.client.cli.Output.Column;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** Base of every command that talks to a hub's admin API. */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    EntenteCommand root() {
        return (EntenteCommand) spec.root().userObject();
    }

    HubClient client() {
        return root().client();
    }

    /** A list answer as a table of these columns; in JSON, and any other answer, as {@link #print(JsonNode)}. */
    int print(JsonNode node, List<Column> columns) {
        Output.print(spec.commandLine().getOut(), root().output(), node, columns);
        return 0;
    }

    int print(JsonNode node) {
        Output.print(spec.commandLine().getOut(), root().output(), node);
        JsonNode approval = node.path("approval");
        if ("table".equals(root().output()) && "pending".equals(approval.path("state").asText())) {
            var out = spec.commandLine().getOut();
            out.println();
            out.println("Nothing was applied yet: this action needs a second operator's approval (expires "
                    + approval.path("expires_at").asText() + ").");
            out.println("An approver runs: entente approvals approve " + approval.path("id").asText());
            if (node.has("collect")) {
                out.println("Then you collect the result (shown once): " + node.path("collect").asText());
            }
            out.flush();
        }
        return 0;
    }
}
