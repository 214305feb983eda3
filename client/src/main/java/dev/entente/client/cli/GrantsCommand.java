package dev.entente.client.cli;

import dev.entente.client.request.ReasonRequest;
import dev.entente.client.request.grant.GrantRenewRequest;
import dev.entente.client.request.grant.GrantRequest;
import dev.entente.client.request.grant.GrantUpdateRequest;
import dev.entente.client.cli.Output.Column;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** {@code entente grants issue | list | show | revoke | explain | update | renew}. */
@Command(name = "grants", description = "Scoped grants this hub issues to its peers.",
        subcommands = {GrantsCommand.Issue.class, GrantsCommand.ListGrants.class, GrantsCommand.Show.class,
                GrantsCommand.Revoke.class, GrantsCommand.Explain.class, GrantsCommand.Update.class,
                GrantsCommand.Renew.class})
final class GrantsCommand {

    static String path(String id) {
        return "api/v1/grants/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    static List<String> csv(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String v : value.split(",")) {
                if (!v.isBlank()) {
                    out.add(v.trim());
                }
            }
        }
        return out;
    }

    @Command(name = "issue", description = "Issue a grant to a peer; prints its bearer token once.")
    static final class Issue extends ClientCommand {
        @Option(names = {"-p", "--peer"}, required = true, paramLabel = "ID", description = "The peer (id or name).")
        String peer;

        @Option(names = "--scopes", required = true, paramLabel = "read[,write]", description = "What the peer may do; write may need approval.")
        String scopes;

        @Option(names = "--instances", paramLabel = "I,..", description = "Allowed instances (default: any).")
        String instances;

        @Option(names = "--networks", paramLabel = "N,..", description = "Allowed networks (default: any).")
        String networks;

        @Option(names = "--cidrs", paramLabel = "C,..", description = "Allowed source CIDRs, IPv4 or IPv6 (default: any).")
        String cidrs;

        @Option(names = "--expires-in", paramLabel = "D", description = "Lifetime, e.g. 12h or 30d (default 30d).")
        String expiresIn;

        @Option(names = "--auto-renew", description = "Extend the grant at 2/3 of each term while the peer is active.")
        boolean autoRenew;

        @Option(names = "--max-lifetime", paramLabel = "D",
                description = "How far from now renewals may extend it (default 365d); implies --auto-renew.")
        String maxLifetime;

        @Override
        public Integer call() {
            return print(client().post("api/v1/grants", new GrantRequest(peer, null, csv(scopes), csv(instances),
                    csv(networks), csv(cidrs), expiresIn, autoRenew ? Boolean.TRUE : null, maxLifetime)));
        }
    }

    @Command(name = "list", description = "Grants, optionally of one peer.")
    static final class ListGrants extends ClientCommand {
        @Option(names = {"-p", "--peer"}, paramLabel = "ID", description = "Only this peer's grants (id or name).")
        String peer;

        static final List<Column> COLUMNS = List.of(Column.field("ID", "id"), Column.field("PEER", "peer_id"),
                Column.field("STATE", "state"), Column.field("SCOPES", "permission_scopes"), Column.age("EXPIRES", "expires_at"),
                new Column("AUTO RENEW", g -> g.path("auto_renew").asBoolean() ? "yes" : "no"));

        @Override
        public Integer call() {
            return print(client().get("api/v1/grants" + (peer == null ? "" : "?peer=" + URLEncoder.encode(peer, StandardCharsets.UTF_8))),
                    COLUMNS);
        }
    }

    @Command(name = "show", description = "One grant.")
    static final class Show extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The grant's id.")
        String id;

        @Override
        public Integer call() {
            return print(client().get(path(id)));
        }
    }

    @Command(name = "revoke", description = "End a grant now.")
    static final class Revoke extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The grant's id.")
        String id;

        @Override
        public Integer call() {
            return print(client().post(path(id) + "/revoke", ReasonRequest.EMPTY));
        }
    }

    @Command(name = "update", description = "Change an active grant in place: same id, same bearer token. "
            + "Only the options given change; an empty list (--instances '') lifts that restriction.")
    static final class Update extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The grant's id.")
        String id;

        @Option(names = "--scopes", paramLabel = "read[,write]", description = "Naming write may need approval.")
        String scopes;

        @Option(names = "--instances", paramLabel = "I,..", description = "Allowed instances; '' for any.")
        String instances;

        @Option(names = "--networks", paramLabel = "N,..", description = "Allowed networks; '' for any.")
        String networks;

        @Option(names = "--cidrs", paramLabel = "C,..", description = "Allowed source CIDRs; '' for any.")
        String cidrs;

        @Option(names = "--expires-in", paramLabel = "D", description = "A new term from now, e.g. 30d.")
        String expiresIn;

        @Option(names = "--auto-renew", arity = "0..1", paramLabel = "true|false",
                description = "Turn auto-renewal on (or off with --auto-renew false).")
        Boolean autoRenew;

        @Option(names = "--max-lifetime", paramLabel = "D",
                description = "How far from now renewals may extend it; implies --auto-renew.")
        String maxLifetime;

        @Override
        public Integer call() {
            return print(client().post(path(id) + "/update", new GrantUpdateRequest(optional(scopes), optional(instances),
                    optional(networks), optional(cidrs), expiresIn, autoRenew, maxLifetime)));
        }

        private static List<String> optional(String value) {
            return value == null ? null : csv(value);
        }
    }

    @Command(name = "renew", description = "Give an active grant a new term from now: same id, same bearer token.")
    static final class Renew extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The grant's id.")
        String id;

        @Option(names = "--expires-in", required = true, paramLabel = "D", description = "The new term, e.g. 30d.")
        String expiresIn;

        @Override
        public Integer call() {
            return print(client().post(path(id) + "/renew", new GrantRenewRequest(expiresIn)));
        }
    }

    @Command(name = "explain", description = "Would a call under this grant be allowed? Every check, without making the call.")
    static final class Explain extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The grant's id.")
        String id;

        @Option(names = "--instance", paramLabel = "I", description = "The instance the call would reach.")
        String instance;

        @Option(names = "--network", paramLabel = "N", description = "The network the call would reach.")
        String network;

        @Option(names = "--source-ip", paramLabel = "IP", description = "The address the call would come from.")
        String sourceIp;

        @Option(names = "--permission", paramLabel = "read|write", description = "What the call would do (default read).")
        String permission;

        @Override
        public Integer call() {
            List<String> q = new ArrayList<>();
            add(q, "instance", instance);
            add(q, "network", network);
            add(q, "source_ip", sourceIp);
            add(q, "permission", permission);
            var result = client().get(path(id) + "/explain" + (q.isEmpty() ? "" : "?" + String.join("&", q)));
            print(result);
            return result.path("applies").asBoolean() ? 0 : 1;
        }

        private static void add(List<String> q, String key, String value) {
            if (value != null) {
                q.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }
}
