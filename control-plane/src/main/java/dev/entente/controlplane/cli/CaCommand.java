package dev.entente.controlplane.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code entente ca status | rotate start|advance|rollback [--type federation] [--force]}. */
@Command(name = "ca", description = "Internal certificate authorities and their rotation.",
        subcommands = {CaCommand.Status.class, CaCommand.Rotate.class})
final class CaCommand {
    @Command(name = "status", description = "Phase, since when, active and standby fingerprints, laggards.")
    static final class Status extends ClientCommand {
        @Override
        public Integer call() {
            return print(client().get("api/v1/ca"));
        }
    }

    @Command(name = "rotate", description = "Move a CA rotation: start, advance or rollback.")
    static final class Rotate extends ClientCommand {
        @Parameters(index = "0", paramLabel = "MOVE", description = "start, advance or rollback.")
        String move;

        @Option(names = "--type", defaultValue = "federation", paramLabel = "TYPE", description = "CA type (default federation).")
        String type;

        @Option(names = "--force", description = "Advance out of update_clients despite laggards (they lose access).")
        boolean force;

        @Override
        public Integer call() {
            if (!move.equals("start") && !move.equals("advance") && !move.equals("rollback")) {
                throw HubClient.problem(dev.entente.lifecycle.error.ErrorCode.INVALID_REQUEST,
                        "rotate takes start, advance or rollback, not " + move);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", type);
            body.put("force", force);
            return print(client().post("api/v1/ca/rotate/" + move, body));
        }
    }
}
