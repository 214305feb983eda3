package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.client.request.ReasonRequest;
import dev.entente.client.cli.Output.Column;
import dev.entente.client.request.peer.AcceptRequest;
import dev.entente.client.request.peer.ProposeRequest;
import dev.entente.client.request.peer.ReenrolmentRequest;
import dev.entente.client.request.peer.RepinRequest;
import dev.entente.client.request.peer.TtlRequest;
import dev.entente.client.request.peer.UrlRequest;
import dev.entente.federation.token.DecodeRequest;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code entente peers ...}: link hubs and manage the links. A peer is named by its id or its name. */
@Command(name = "peers", description = "Federation peers: propose, accept, list, suspend, resume, revoke, set-url.",
        subcommands = {PeersCommand.ListPeers.class, PeersCommand.Show.class, PeersCommand.Propose.class,
                PeersCommand.Token.class, PeersCommand.Accept.class, PeersCommand.Suspend.class,
                PeersCommand.Resume.class, PeersCommand.Revoke.class, PeersCommand.Repin.class, PeersCommand.SetUrl.class,
                PeersCommand.Reenroll.class})
final class PeersCommand {

    static String path(String id) {
        return "api/v1/peers/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
    }

    @Command(name = "list", description = "All peers with state, last heartbeat and certificate expiry; "
            + "URL and fingerprints in 'peers show' or --output json.")
    static final class ListPeers extends ClientCommand {
        static final List<Column> COLUMNS = List.of(Column.field("NAME", "name"), Column.field("STATE", "state"),
                Column.age("LAST HEARTBEAT", "last_heartbeat_at"), Column.age("CERT EXPIRES", "node_cert.not_after"),
                Column.field("ID", "id"));

        static final List<Column> DETAIL_COLUMNS = List.of(Column.field("NAME", "name"), Column.field("STATE", "state"),
                Column.age("LAST HEARTBEAT", "last_heartbeat_at"),
                new Column("SENT/RECEIVED/FAILED", p -> p.path("heartbeats_sent").asLong() + "/"
                        + p.path("heartbeats_received").asLong() + "/" + p.path("heartbeats_failed").asLong()),
                new Column("CLOCK SKEW", p -> p.path("clock_skew_ms").isNumber() ? p.path("clock_skew_ms").asLong() + "ms" : "-"),
                Column.age("CERT EXPIRES", "node_cert.not_after"), Column.field("CA PHASE", "remote_ca_phase"),
                Column.field("ID", "id"));

        @Option(names = "--detail", description = "Heartbeat counts, clock skew and the peer's CA phase too.")
        boolean detail;

        @Override
        public Integer call() {
            return print(client().get("api/v1/peers" + (detail ? "?detail=true" : "")), detail ? DETAIL_COLUMNS : COLUMNS);
        }
    }

    @Command(name = "show", description = "One peer, in detail.")
    static final class Show extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The peer (id or name).")
        String id;

        @Override
        public Integer call() {
            return print(client().get(path(id)));
        }
    }

    @Command(name = "propose", description = "Propose a link; prints the acceptance token once.")
    static final class Propose extends ClientCommand {
        @Option(names = {"-n", "--name"}, required = true, paramLabel = "N", description = "Name for the other hub on this hub.")
        String name;

        @Option(names = "--expires-in", paramLabel = "D", description = "Token lifetime, e.g. 2d (default 7d).")
        String expiresIn;

        @Option(names = "--ttl", hidden = true, paramLabel = "D", description = "Deprecated spelling of --expires-in.")
        void ttl(String value) {
            expiresIn = value;
        }

        @Override
        public Integer call() {
            return printProposal(this, client().post("api/v1/peers", new ProposeRequest(name, expiresIn)));
        }
    }

    @Command(name = "token", description = "A new acceptance token for a proposed peer; the old one stops working. "
            + "'token decode T' reads a token instead.", subcommands = PeersCommand.Decode.class)
    static final class Token extends ClientCommand {
        // Optional for picocli, so that 'peers token decode T' does not ask for an ID; required below.
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The proposed peer (id or name).")
        String id;

        @Option(names = "--expires-in", paramLabel = "D", description = "Token lifetime, e.g. 2d (default 7d).")
        String expiresIn;

        @Option(names = "--ttl", hidden = true, paramLabel = "D", description = "Deprecated spelling of --expires-in.")
        void ttl(String value) {
            expiresIn = value;
        }

        @Override
        public Integer call() {
            if (id == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "name the proposed peer: 'entente peers "
                        + "token ID' mints its new acceptance token; 'entente peers token decode T' reads a token");
            }
            return printProposal(this, client().post(path(id) + "/token", new TtlRequest(expiresIn)));
        }
    }

    @Command(name = "decode", description = "Read an acceptance or re-enrolment token without using it: its claims, "
            + "the hub that issued it, its key, and whether it is expired, used or replaced.")
    static final class Decode extends ClientCommand {
        @Parameters(index = "0", paramLabel = "TOKEN", description = "The whole token, as it was handed to you.")
        String token;

        @Override
        public Integer call() {
            return print(client().post("api/v1/tokens/decode", new DecodeRequest(token)));
        }
    }

    @Command(name = "accept", description = "Accept another hub's acceptance token: pins it, enrolls both hubs.")
    static final class Accept extends ClientCommand {
        @Option(names = "--token", required = true, paramLabel = "T", description = "The acceptance token the other hub's 'peers propose' printed.")
        String token;

        @Option(names = {"-n", "--name"}, paramLabel = "N", description = "Name for the other hub on this hub (default: its own name).")
        String name;

        @Override
        public Integer call() {
            return print(client().post("api/v1/peers/accept", new AcceptRequest(token, name)));
        }
    }

    @Command(name = "suspend", description = "Refuse the peer's calls, keeping its trust material.")
    static final class Suspend extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The peer (id or name).")
        String id;

        @Option(names = "--reason", required = true, paramLabel = "R", description = "Why; kept in the audit.")
        String reason;

        @Override
        public Integer call() {
            return print(client().post(path(id) + "/suspend", new ReasonRequest(reason)));
        }
    }

    @Command(name = "resume", description = "Accept a suspended peer's calls again (active on its next heartbeat).")
    static final class Resume extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The peer (id or name).")
        String id;

        @Override
        public Integer call() {
            return print(client().post(path(id) + "/resume"));
        }
    }

    @Command(name = "revoke", description = "End the link for good: revokes its certificates (and grants).")
    static final class Revoke extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The peer (id or name).")
        String id;

        @Option(names = "--reason", required = true, paramLabel = "R", description = "Why; kept in the audit.")
        String reason;

        @Override
        public Integer call() {
            return print(client().post(path(id) + "/revoke", new ReasonRequest(reason)));
        }
    }

    @Command(name = "repin", description = "Pin a new TLS fingerprint for the peer (manual path; heartbeats re-pin by themselves).")
    static final class Repin extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The peer (id or name).")
        String id;

        @Option(names = "--fingerprint", required = true, paramLabel = "F", description = "The peer's TLS certificate fingerprint (SHA-256, hex).")
        String fingerprint;

        @Override
        public Integer call() {
            return print(client().post(path(id) + "/repin", new RepinRequest(fingerprint)));
        }
    }

    @Command(name = "set-url", description = "Call the peer at a new URL (it moved); keeps the link, the next heartbeat re-pins.")
    static final class SetUrl extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The peer (id or name).")
        String id;

        @Parameters(index = "1", paramLabel = "URL", description = "The peer hub's public URL, https://host:port.")
        String url;

        @Override
        public Integer call() {
            return print(client().post(path(id) + "/url", new UrlRequest(url)));
        }
    }

    @Command(name = "reenroll", description = "Restore a link locked out by a dead node certificate: 'reenroll ID' on "
            + "the hub that issued it prints a one-time token; 'reenroll --token T' on the peer's hub uses it.")
    static final class Reenroll extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The locked-out peer (id, name or hub id).")
        String id;

        @Option(names = "--token", paramLabel = "T", description = "The token the other hub's 'peers reenroll ID' printed.")
        String token;

        @Option(names = "--expires-in", paramLabel = "D", description = "Token lifetime (default 1h, at most 7d).")
        String expiresIn;

        @Option(names = "--ttl", hidden = true, paramLabel = "D", description = "Deprecated spelling of --expires-in.")
        void ttl(String value) {
            expiresIn = value;
        }

        @Override
        public Integer call() {
            if ((id == null) == (token == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "name the peer ('entente peers reenroll ID') "
                        + "to mint a token, or pass --token T on the locked-out hub; not both");
            }
            if (token != null) {
                return print(client().post("api/v1/peers/reenroll", new ReenrolmentRequest(token)));
            }
            JsonNode answer = client().post(path(id) + "/reenroll", new TtlRequest(expiresIn));
            if ("json".equals(root().output()) || answer.has("approval")) {
                return print(answer);
            }
            print(answer.path("peer"));
            var out = spec.commandLine().getOut();
            out.println();
            out.println("re-enrolment token (single use, expires " + answer.path("token_expires_at").asText() + "):");
            out.println(answer.path("reenrolment_token").asText());
            out.println();
            out.println("On the peer's hub: entente peers reenroll --token <token>");
            out.flush();
            return 0;
        }
    }

    /** In table mode the token goes last, on its own line, with what to do with it. */
    static int printProposal(ClientCommand c, JsonNode answer) {
        if ("json".equals(c.root().output()) || answer.has("approval")) {
            return c.print(answer);
        }
        c.print(answer.path("peer"));
        var out = c.spec.commandLine().getOut();
        out.println();
        out.println("acceptance token (shown once; give it to the other hub's operator):");
        out.println(answer.path("acceptance_token").asText());
        out.println();
        out.println("On the other hub: entente peers accept --token <token>");
        out.flush();
        return 0;
    }
}
