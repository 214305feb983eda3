package dev.entente.controlplane.cli;

import dev.entente.controlplane.api.operator.OperatorTokenRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code entente operators token issue ...}. */
@Command(name = "operators", description = "Operator credentials.", subcommands = OperatorsCommand.Token.class)
final class OperatorsCommand {
    @Command(name = "token", description = "Operator tokens.", subcommands = Token.Issue.class)
    static final class Token {
        @Command(name = "issue", description = "Issue an operator token (shown once).")
        static final class Issue extends ClientCommand {
            @Option(names = "--for", required = true, paramLabel = "NAME", description = "Who the token is for.")
            String subject;

            @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, operator, approver or viewer.")
            String role;

            @Option(names = "--expires-in", paramLabel = "D", description = "Lifetime, e.g. 12h or 30d (default 30d).")
            String expiresIn;

            @Override
            public Integer call() {
                // The hub fills in the minting chain from the caller's own token.
                return print(client().post("api/v1/operators/tokens", new OperatorTokenRequest(subject, role, expiresIn)));
            }
        }
    }
}
