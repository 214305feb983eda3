package dev.entente.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

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

    int print(JsonNode node) {
        Output.print(spec.commandLine().getOut(), root().output(), node);
        return 0;
    }
}
