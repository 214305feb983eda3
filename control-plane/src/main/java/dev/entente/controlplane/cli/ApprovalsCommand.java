package dev.entente.controlplane.cli;

import dev.entente.controlplane.api.ReasonRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code entente approvals list | approve ID | reject ID --reason R | collect ID}. */
@Command(name = "approvals", description = "Approval requests for sensitive actions (two-person rule).",
        subcommands = {ApprovalsCommand.ListApprovals.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Reject.class,
                ApprovalsCommand.Collect.class})
final class ApprovalsCommand {
    @Command(name = "list", description = "Approval requests, oldest first.")
    static final class ListApprovals extends ClientCommand {
        @Option(names = "--state", paramLabel = "S", description = "Only requests in this state, e.g. pending.")
        String state;

        @Override
        public Integer call() {
            return print(client().get("api/v1/approvals" + (state == null ? "" : "?state=" + state)));
        }
    }

    @Command(name = "approve", description = "Approve a request: runs the action with the requester's arguments.")
    static final class Approve extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return print(client().post("api/v1/approvals/" + id + "/approve"));
        }
    }

    @Command(name = "reject", description = "Turn a request down.")
    static final class Reject extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Option(names = "--reason", required = true, paramLabel = "R")
        String reason;

        @Override
        public Integer call() {
            return print(client().post("api/v1/approvals/" + id + "/reject", new ReasonRequest(reason)));
        }
    }

    @Command(name = "collect", description = "As the requester, take an approved request's secret result (e.g. a minted operator token); shown once.")
    static final class Collect extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            return print(client().post("api/v1/approvals/" + id + "/collect"));
        }
    }
}
