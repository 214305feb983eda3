package dev.entente.client.cli;

import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code entente logout}: ends the {@code entente login} session at the hub (its token is
 * revoked on every replica) and deletes the stored session.
 */
@Command(name = "logout", description = "End the session of 'entente login': revoke it at the hub and delete the stored session.")
final class LogoutCommand extends ClientCommand {
    @Override
    public Integer call() {
        EntenteCommand root = root();
        SignInSession session = SignInSession.load(root.env).orElse(null);
        PrintWriter out = spec.commandLine().getOut();
        if (session == null) {
            out.println("Not signed in: no session in " + SignInSession.file(root.env) + ".");
            out.flush();
            return 0;
        }
        HubClient hub = new HubClient(java.net.URI.create(session.hub().endsWith("/") ? session.hub() : session.hub() + "/"),
                session.token(), new java.util.LinkedHashSet<>(session.tlsFingerprints()), spec.commandLine().getErr());
        try {
            hub.delete("api/v1/session");
        } catch (CliException e) {
            // An expired or already revoked session is over at the hub too: only the file is left to delete.
            String code = CliException.member(e.problem(), "code");
            if (!code.equals("auth_token_expired") && !code.equals("operator_token_revoked")) {
                throw e;
            }
        }
        SignInSession.delete(root.env);
        out.println("Signed out of " + session.hub() + " (" + session.subject() + "); the session is revoked and "
                + SignInSession.file(root.env) + " deleted.");
        out.flush();
        return 0;
    }
}
