package dev.entente.client.cli;

import picocli.CommandLine.Command;

/** {@code entente tls ...}. */
@Command(name = "tls", description = "The hub's TLS certificate.", subcommands = {TlsCommand.Info.class, TlsCommand.Rotate.class})
final class TlsCommand {
    @Command(name = "info", description = "Show the served certificate and fingerprints in grace.")
    static final class Info extends ClientCommand {
        @Override
        public Integer call() {
            return print(client().get("api/v1/tls"));
        }
    }

    @Command(name = "rotate", description = "New key and certificate now; the old fingerprint stays valid for the rotation grace.")
    static final class Rotate extends ClientCommand {
        @Override
        public Integer call() {
            return print(client().post("api/v1/tls/rotate"));
        }
    }
}
