package dev.entente.client.cli;

import dev.entente.client.request.remote.RemoteResourcesRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code entente remote resources list --peer ID --grant TOKEN [--instance ..] [--network ..]}. */
@Command(name = "remote", description = "Call a peer's federation API from this hub.",
        subcommands = RemoteCommand.Resources.class)
final class RemoteCommand {
    @Command(name = "resources", description = "A peer's exported resources.", subcommands = Resources.ListRemote.class)
    static final class Resources {
        @Command(name = "list", description = "List the peer's resources your grant covers.")
        static final class ListRemote extends ClientCommand {
            @Option(names = {"-p", "--peer"}, required = true, paramLabel = "ID", description = "The peer (id or name) to call.")
            String peer;

            @Option(names = "--grant", required = true, paramLabel = "TOKEN", description = "The fg-... token the peer issued.")
            String grant;

            @Option(names = "--instance", paramLabel = "I", description = "Only resources of this instance.")
            String instance;

            @Option(names = "--network", paramLabel = "N", description = "Only resources of this network.")
            String network;

            @Override
            public Integer call() {
                return print(client().post("api/v1/remote/resources", new RemoteResourcesRequest(peer, grant, instance, network)),
                        ResourcesCommand.COLUMNS);
            }
        }
    }
}
