package dev.entente.controlplane.cli;

import picocli.CommandLine.Command;

/** {@code entente status}. */
@Command(name = "status", description = "Show the hub's identity, listener, TLS certificate and database.")
final class StatusCommand extends ClientCommand {
    @Override
    public Integer call() {
        return print(client().get("api/v1/status"));
    }
}
