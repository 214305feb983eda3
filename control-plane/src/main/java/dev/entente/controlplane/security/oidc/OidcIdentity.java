package dev.entente.controlplane.security.oidc;

import dev.entente.controlplane.security.Role;

import java.util.List;
import java.util.Set;

/**
 * A person as the identity provider vouched for them in a checked ID token.
 *
 * @param groups the groups the roles claim listed
 * @param roles  what {@code entente.oidc.groups-to-roles} makes of them; never empty
 */
public record OidcIdentity(String issuer, String subject, List<String> groups, Set<Role> roles) {
    /** What starts the operator subject of a sign-in session; local token subjects cannot contain {@code :}. */
    public static final String PREFIX = "oidc:";

    /**
     * The operator subject of this identity's sessions, {@code oidc:<sub>@<issuer>}: the audit's
     * actor, and what the two-person rule compares, so two sessions of one person are one person.
     */
    public String operatorSubject() {
        return PREFIX + subject + "@" + issuer;
    }

    /** Whether {@code operatorSubject} names a sign-in identity rather than a local token's subject. */
    public static boolean isSession(String operatorSubject) {
        return operatorSubject != null && operatorSubject.startsWith(PREFIX);
    }
}
