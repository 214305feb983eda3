package dev.entente.client.cli;

import dev.entente.client.request.ReasonRequest;
import dev.entente.client.request.operator.OperatorTokenRequest;
import dev.entente.client.cli.Output.Column;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code entente operators token issue | list | revoke ID --reason R}. */
@Command(name = "operators", description = "Operator credentials.", subcommands = OperatorsCommand.Token.class)
final class OperatorsCommand {
    @Command(name = "token", description = "Operator tokens.",
            subcommands = {Token.Issue.class, Token.ListTokens.class, Token.Revoke.class})
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

        @Command(name = "list", description = "List the operator tokens this hub issued: id, subject, roles, expiry, "
                + "issuer, last use (to within a minute), revocation. Never the tokens themselves.")
        static final class ListTokens extends ClientCommand {
            static final List<Column> COLUMNS = List.of(Column.field("ID", "id"), Column.field("SUBJECT", "subject"),
                    Column.field("ROLES", "roles"), Column.field("ISSUED BY", "issued_by"), Column.age("EXPIRES", "expires_at"),
                    Column.age("LAST USED", "last_used_at"), Column.age("REVOKED", "revoked_at"));

            @Override
            public Integer call() {
                return print(client().get("api/v1/operators/tokens"), COLUMNS);
            }
        }

        @Command(name = "revoke", description = "Revoke an operator token on every replica at once (admin.token too: "
                + "restarting the hub then writes a new one).")
        static final class Revoke extends ClientCommand {
            @Parameters(index = "0", paramLabel = "ID", description = "The token's id, from 'operators token list'.")
            String id;

            @Option(names = "--reason", required = true, paramLabel = "R", description = "Why; kept with the token and in the audit.")
            String reason;

            @Override
            public Integer call() {
                return print(client().post("api/v1/operators/tokens/" + id + "/revoke", new ReasonRequest(reason)));
            }
        }
    }
}
