package dev.entente.controlplane.security.oidc;

import dev.entente.controlplane.config.OidcConfiguration;
import dev.entente.controlplane.security.Role;
import dev.entente.federation.peer.Durations;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link OidcConfiguration} checked: a half-configured provider stops the start rather than the
 * first sign-in.
 *
 * @param redirectUri null when the hub's public URL decides it
 */
public record OidcSettings(URI issuer, String clientId, String clientSecret, String rolesClaim,
                           Map<String, Role> groupsToRoles, String redirectUri, List<String> scopes, Duration sessionTtl) {

    /** Empty when {@code entente.oidc.issuer} is unset: sign-in is off. */
    public static Optional<OidcSettings> from(OidcConfiguration c) {
        if (c.issuer() == null || c.issuer().isBlank()) {
            return Optional.empty();
        }
        URI issuer = URI.create(c.issuer().trim());
        if (!"https".equals(issuer.getScheme()) && !("http".equals(issuer.getScheme()) && loopback(issuer.getHost()))) {
            throw invalid("entente.oidc.issuer must be an https URL (http only on a loopback address), not " + c.issuer());
        }
        if (c.clientId() == null || c.clientId().isBlank()) {
            throw invalid("entente.oidc.client-id is required with entente.oidc.issuer");
        }
        String secret = secret(c);
        Map<String, Role> groups = new LinkedHashMap<>();
        (c.groupsToRoles() == null ? Map.<String, String>of() : c.groupsToRoles()).forEach((group, role) ->
                groups.put(group, Role.parse(role.trim()).orElseThrow(() -> invalid("entente.oidc.groups-to-roles." + group
                        + " must be admin, operator, approver or viewer, not " + role))));
        if (groups.isEmpty()) {
            throw invalid("entente.oidc.groups-to-roles maps no group to a role, so nobody could sign in; "
                    + "add e.g. entente.oidc.groups-to-roles.<your-admin-group>: admin");
        }
        List<String> scopes = Arrays.stream(c.scopes().trim().split("\\s+")).toList();
        if (!scopes.contains("openid")) {
            throw invalid("entente.oidc.scopes must include openid, not " + c.scopes());
        }
        Duration ttl = Durations.parse("entente.oidc.session-ttl", c.sessionTtl(), Durations.MAX);
        return Optional.of(new OidcSettings(issuer, c.clientId().trim(), secret, c.rolesClaim().trim(), Map.copyOf(groups),
                c.redirectUri() == null || c.redirectUri().isBlank() ? null : c.redirectUri().trim(), scopes, ttl));
    }

    /** The issuer as it must appear in the discovery document and the ID token's {@code iss}. */
    public String issuerText() {
        return issuer.toString();
    }

    private static String secret(OidcConfiguration c) {
        boolean inline = c.clientSecret() != null && !c.clientSecret().isBlank();
        boolean file = c.clientSecretFile() != null && !c.clientSecretFile().isBlank();
        if (inline == file) {
            throw invalid("set exactly one of entente.oidc.client-secret and entente.oidc.client-secret-file");
        }
        if (inline) {
            return c.clientSecret();
        }
        try {
            String text = Files.readString(Path.of(c.clientSecretFile())).trim();
            if (text.isEmpty()) {
                throw invalid("entente.oidc.client-secret-file " + c.clientSecretFile() + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw invalid("cannot read entente.oidc.client-secret-file " + c.clientSecretFile() + ": " + e.getMessage());
        }
    }

    static boolean loopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            return "localhost".equalsIgnoreCase(host) || InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static EntenteException invalid(String detail) {
        return new EntenteException(ErrorCode.INVALID_REQUEST, detail, Map.of("setting", "entente.oidc"));
    }

    @Override
    public String toString() {
        // The secret stays out of logs and exception messages.
        return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + "]";
    }
}
