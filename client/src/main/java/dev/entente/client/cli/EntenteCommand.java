package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.ca.crypto.Fingerprints;
import dev.entente.client.local.DataDirs;
import dev.entente.lifecycle.error.ErrorCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** {@code entente}: the root command and the global options every subcommand inherits. */
@Command(name = "entente", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "entente 0.1.0",
        description = "Federation control plane: link hubs, issue grants, rotate CAs, follow runbooks.")
public final class EntenteCommand {
    /**
     * The subcommands by name, in the order the usage page lists them. Kept here rather than in
     * {@code @Command(subcommands)} so that a command line builds only the one it runs: picocli
     * reflects over every class of the tree it is given, most of which a client call never needs
     * (see {@link Main#run}).
     */
    static final Map<String, Class<?>> SUBCOMMANDS = subcommands(
            "start", StartCommand.class, "stop", StopCommand.class, "status", StatusCommand.class, "tls", TlsCommand.class,
            "operators", OperatorsCommand.class, "audit", AuditCommand.class, "events", EventsCommand.class, "ca", CaCommand.class,
            "peers", PeersCommand.class, "grants", GrantsCommand.class, "resources", ResourcesCommand.class,
            "remote", RemoteCommand.class, "approvals", ApprovalsCommand.class, "config", ConfigCommand.class,
            "doctor", DoctorCommand.class, "findings", FindingsCommand.class, "worker", WorkerCommand.class,
            "backup", BackupCommand.class, "restore", RestoreCommand.class, "login", LoginCommand.class,
            "logout", LogoutCommand.class, "keys", KeysCommand.class, "help", HelpCommand.class);

    @Option(names = "--hub", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Admin API of the hub (default: $ENTENTE_HUB, else the local hub recorded in the data dir).")
    String hub;

    @Option(names = {"-d", "--data-dir"}, scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Where a local hub keeps its admin token, certificate and database.")
    Path dataDir;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json.")
    String output;

    @Option(names = "--tls-fingerprint", scope = ScopeType.INHERIT, paramLabel = "SHA256",
            description = "Pin this certificate fingerprint (sha256:AB:CD..., or plain hex; default: $ENTENTE_TLS_FINGERPRINT, "
                    + "else the data dir's certificate).")
    String tlsFingerprint;

    final Map<String, String> env;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    EntenteCommand(Map<String, String> env) {
        this.env = env;
    }

    Path dataDir() {
        return dataDir != null ? dataDir.toAbsolutePath() : DataDirs.defaultFor(env);
    }

    String output() {
        if (!"json".equals(output) && !"table".equals(output)) {
            throw HubClient.problem(ErrorCode.INVALID_REQUEST, "--output must be table or json, not " + output);
        }
        return output;
    }

    /**
     * A client of the admin API, with the credential and pin resolved from flags, env, the
     * {@code entente login} session and the data dir.
     */
    HubClient client() {
        Target target = target();
        String token = env.get("ENTENTE_TOKEN");
        if ((token == null || token.isBlank()) && target.session() != null) {
            token = target.session().token();
        }
        Path dir = dataDir();
        if (token == null || token.isBlank()) {
            Path file = dir.resolve("admin.token");
            try {
                token = Files.isReadable(file) ? Files.readString(file).trim() : null;
            } catch (IOException e) {
                token = null;
            }
        }
        if (token == null || token.isBlank()) {
            throw HubClient.problem(ErrorCode.CREDENTIAL_MISSING, "no ENTENTE_TOKEN, no session ('entente login') and no "
                    + dir.resolve("admin.token") + "; sign in with 'entente login', pass --data-dir of the local hub or set "
                    + "ENTENTE_TOKEN to an operator token");
        }
        return new HubClient(target.uri(), token, target.pins(), spec.commandLine().getErr());
    }

    /** A client without a credential, for signing in. */
    HubClient anonymousClient() {
        Target target = target();
        return new HubClient(target.uri(), null, target.pins(), spec.commandLine().getErr());
    }

    /**
     * The hub a command talks to and the certificates it pins.
     *
     * @param session the stored sign-in session when it is for this hub, else null
     */
    record Target(String url, Set<String> pins, SignInSession session) {
        URI uri() {
            return URI.create(url.endsWith("/") ? url : url + "/");
        }
    }

    Target target() {
        Path dir = dataDir();
        JsonNode local = readHubJson(dir);
        SignInSession stored = SignInSession.load(env).orElse(null);
        // Flags, then the environment (a remote hub for a whole shell session), then the hub
        // signed in to (unless --data-dir names a local one), then the local hub.
        String url = hub != null ? hub : blankToNull(env.get("ENTENTE_HUB"));
        if (url == null && stored != null && dataDir == null) {
            url = stored.hub();
        }
        if (url == null && local != null) {
            url = local.path("url").asText(null);
        }
        if (url == null) {
            url = "https://127.0.0.1:7443";
        }
        SignInSession session = stored != null && stored.isFor(url) ? stored : null;
        Set<String> pins = new LinkedHashSet<>();
        String fingerprint = tlsFingerprint != null ? tlsFingerprint : blankToNull(env.get("ENTENTE_TLS_FINGERPRINT"));
        if (fingerprint != null) {
            pins.add(Fingerprints.normalise("--tls-fingerprint", fingerprint));
        } else if (session != null && session.tlsFingerprints() != null && !session.tlsFingerprints().isEmpty()) {
            pins.addAll(session.tlsFingerprints());
        } else if (local != null) {
            pins.add(local.path("tls_fingerprint").asText());
            local.path("grace_fingerprints").forEach(f -> pins.add(f.asText()));
        }
        if (pins.isEmpty()) {
            throw HubClient.problem(ErrorCode.TLS_PIN_MISMATCH, "no certificate to pin: no " + dir.resolve("hub.json")
                    + "; pass --data-dir of the local hub or --tls-fingerprint (see 'entente tls info' on the hub)");
        }
        return new Target(url, pins, session);
    }

    private static Map<String, Class<?>> subcommands(Object... nameThenClass) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            byName.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return Collections.unmodifiableMap(byName);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static JsonNode readHubJson(Path dir) {
        Path file = dir.resolve("hub.json");
        try {
            return Files.isReadable(file) ? Output.JSON.readTree(file.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
