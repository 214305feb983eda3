package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.MapFormat;

import java.util.Map;

/**
 * Operators sign in with an OpenID Connect identity provider ({@code entente login}). The hub runs
 * the authorization code flow with PKCE itself, so the client secret never leaves it; the session
 * it hands out is an operator token like any other (listed, revocable, last use recorded).
 *
 * @param issuer           the provider's issuer URL, exactly as its discovery document states it; unset
 *                         switches sign-in off. HTTPS, except on a loopback address
 * @param clientId         the client id registered at the provider for this hub
 * @param clientSecret     the client's secret
 * @param clientSecretFile a file holding the client's secret, read at start; instead of {@code client-secret}
 * @param rolesClaim       the ID token claim listing the identity's groups (a list or one string); a dotted path
 *                         such as {@code realm_access.roles} reaches into a nested claim
 * @param groupsToRoles    per IdP group ({@code entente.oidc.groups-to-roles.platform-admins: admin}): the role
 *                         its members get, {@code admin}, {@code operator}, {@code approver} or {@code viewer}; an
 *                         identity in no listed group is refused
 * @param redirectUri      the callback registered at the provider; unset is the hub's public URL plus
 *                         {@code /auth/oidc/callback}
 * @param scopes           the scopes asked for, space separated; {@code openid} must be one
 * @param sessionTtl       how long a sign-in session token lasts
 */
@ConfigurationProperties("entente.oidc")
public record OidcConfiguration(@Nullable String issuer,
                                @Nullable String clientId,
                                @Nullable String clientSecret,
                                @Nullable String clientSecretFile,
                                @Bindable(defaultValue = "groups") String rolesClaim,
                                @Nullable @MapFormat(transformation = MapFormat.MapTransformation.FLAT)
                                Map<String, String> groupsToRoles,
                                @Nullable String redirectUri,
                                @Bindable(defaultValue = "openid profile email") String scopes,
                                @Bindable(defaultValue = "8h") String sessionTtl) {
}
