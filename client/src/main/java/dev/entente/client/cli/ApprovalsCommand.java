package dev.entente.client.cli;

import dev.entente.client.request.ReasonRequest;
import dev.entente.client.request.approval.PolicyRequest;
import dev.entente.client.cli.Output.Column;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code entente approvals list | approve ID | reject ID --reason R | collect ID | policy list | policy set}. */
@Command(name = "approvals", description = "Approval requests for sensitive actions (two-person rule), and their policies.",
        subcommands = {ApprovalsCommand.ListApprovals.class, ApprovalsCommand.Approve.class, ApprovalsCommand.Reject.class,
                ApprovalsCommand.Collect.class, ApprovalsCommand.Policy.class})
final class ApprovalsCommand {
    @Command(name = "list", description = "Approval requests, oldest first.")
    static final class ListApprovals extends ClientCommand {
        @Option(names = "--state", paramLabel = "S", description = "Only requests in this state, e.g. pending.")
        String state;

        static final List<Column> COLUMNS = List.of(Column.field("ID", "id"), Column.field("ACTION", "action"),
                Column.field("STATE", "state"), Column.field("REQUESTER", "requester"), Column.age("CREATED", "created_at"),
                Column.age("EXPIRES", "expires_at"), Column.field("APPROVER", "approver"));

        @Override
        public Integer call() {
            return print(client().get("api/v1/approvals" + (state == null ? "" : "?state=" + state)), COLUMNS);
        }
    }

    @Command(name = "approve", description = "Approve a request: runs the action with the requester's arguments.")
    static final class Approve extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The request's id, from 'approvals list'.")
        String id;

        @Override
        public Integer call() {
            return print(client().post("api/v1/approvals/" + id + "/approve"));
        }
    }

    @Command(name = "reject", description = "Turn a request down.")
    static final class Reject extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The request's id, from 'approvals list'.")
        String id;

        @Option(names = "--reason", required = true, paramLabel = "R", description = "Why; the requester sees it, and the audit keeps it.")
        String reason;

        @Override
        public Integer call() {
            return print(client().post("api/v1/approvals/" + id + "/reject", new ReasonRequest(reason)));
        }
    }

    @Command(name = "collect", description = "As the requester, take an approved request's secret result (e.g. a minted operator token); shown once.")
    static final class Collect extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The request's id, from 'approvals list'.")
        String id;

        @Override
        public Integer call() {
            return print(client().post("api/v1/approvals/" + id + "/collect"));
        }
    }

    /** {@code entente approvals policy list | set ACTION auto|require_approval [--for D] --reason R}. */
    @Command(name = "policy", description = "Which actions need a second operator: list, or change one while the hub runs.",
            subcommands = {ListPolicies.class, SetPolicy.class})
    static final class Policy {
    }

    @Command(name = "list", description = "Each action's policy in force, where it comes from (config or database), "
            + "who set it, why, until when, and whether it is lower than configured.")
    static final class ListPolicies extends ClientCommand {
        static final List<Column> COLUMNS = List.of(Column.field("ACTION", "action"), Column.field("POLICY", "policy"),
                Column.field("CONFIGURED", "configured"), Column.field("SOURCE", "source"), Column.field("SET BY", "set_by"),
                Column.age("UNTIL", "until"), Column.field("REASON", "reason"));

        @Override
        public Integer call() {
            return print(client().get("api/v1/approval-policies"), COLUMNS);
        }
    }

    @Command(name = "set", description = "Set an action's policy on every replica, kept across restarts; with --for it "
            + "reverts by itself. Lowering a require_approval policy needs a second operator.")
    static final class SetPolicy extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ACTION", description = "e.g. peer.revoke, grant.issue.write, ca.rotate")
        String action;

        @Parameters(index = "1", paramLabel = "POLICY", description = "auto or require_approval")
        String policy;

        @Option(names = "--for", paramLabel = "D", description = "Only for this long (e.g. 30m, 2h); then what it replaced is in force again.")
        String duration;

        @Option(names = "--reason", required = true, paramLabel = "R", description = "Why; kept in the audit and shown by 'policy list'.")
        String reason;

        @Override
        public Integer call() {
            return print(client().put("api/v1/approval-policies/" + URLEncoder.encode(action, StandardCharsets.UTF_8),
                    new PolicyRequest(policy, duration, reason)));
        }
    }
}
