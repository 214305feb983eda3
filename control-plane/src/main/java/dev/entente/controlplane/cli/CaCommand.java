package dev.entente.controlplane.cli;

import dev.entente.controlplane.api.ca.RotationRequest;
import dev.entente.federation.command.RotateCa;
import dev.entente.federation.command.RotationMove;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code entente ca status | rotate start|advance|rollback [--type federation] [--force] [--from PHASE]}.
 * A move names the phase it leaves: {@code --from}, or else the phase {@code ca status} shows
 * right before, so a command repeated by mistake is refused instead of moving a second step.
 */
@Command(name = "ca", description = "Internal certificate authorities and their rotation.",
        subcommands = {CaCommand.Status.class, CaCommand.Rotate.class})
final class CaCommand {
    @Command(name = "status", description = "Phase, since when, active and standby fingerprints, laggards (name, URL, certificate and signer, last heartbeat).")
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

        @Option(names = "--from", paramLabel = "PHASE",
                description = "The phase this move leaves (default: the phase 'ca status' shows now); refused if the rotation has left it.")
        String from;

        @Override
        public Integer call() {
            RotationMove rotationMove = RotationMove.of(move);
            RotateCa.checkType(type);
            RotationRequest request = new RotationRequest(type, force, from != null ? from : currentPhase());
            return print(client().post("api/v1/ca/rotate/" + rotationMove.value(), request));
        }

        private String currentPhase() {
            for (var ca : client().get("api/v1/ca")) {
                if (type.equals(ca.path("type").asText())) {
                    return ca.path("phase").asText();
                }
            }
            throw HubClient.problem(dev.entente.lifecycle.error.ErrorCode.INVALID_REQUEST,
                    "the hub has no CA of type " + type + "; 'entente ca status' lists them");
        }
    }
}
