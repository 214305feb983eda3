package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.client.request.ca.RotationRequest;
import dev.entente.client.cli.Output.Column;
import dev.entente.federation.command.RotateCa;
import dev.entente.federation.command.RotationMove;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

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
        static final List<Column> COLUMNS = List.of(Column.field("TYPE", "type"), Column.field("PHASE", "phase"),
                Column.age("SINCE", "since"), new Column("LAGGARDS", ca -> String.valueOf(ca.path("laggards").size())),
                Column.field("ACTIVE FINGERPRINT", "active_fingerprint"), Column.field("STANDBY FINGERPRINT", "standby_fingerprint"));

        static final List<Column> LAGGARD_COLUMNS = List.of(Column.field("NAME", "name"), Column.field("STATE", "state"),
                Column.age("LAST HEARTBEAT", "last_heartbeat_at"), new Column("SIGNERS", Status::signers),
                Column.field("URL", "url"), Column.field("PEER ID", "peer_id"));

        @Override
        public Integer call() {
            JsonNode cas = client().get("api/v1/ca");
            print(cas, COLUMNS);
            if ("json".equals(root().output())) {
                return 0;
            }
            // The peers that hold a rotation back, under the CA they lag behind, with what to chase them by.
            PrintWriter out = spec.commandLine().getOut();
            for (JsonNode ca : cas) {
                if (ca.path("laggard_peers").size() > 0) {
                    out.println();
                    out.println("laggards of the " + ca.path("type").asText() + " CA:");
                    Output.print(out, "table", ca.path("laggard_peers"), LAGGARD_COLUMNS);
                }
            }
            out.flush();
            return 0;
        }

        /** Which keys signed the peer's live certificates: old, new or retired. */
        private static String signers(JsonNode laggard) {
            List<String> signers = new ArrayList<>();
            laggard.path("node_certs").forEach(c -> signers.add(c.path("signer").asText()));
            return signers.isEmpty() ? "-" : String.join(",", signers);
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
