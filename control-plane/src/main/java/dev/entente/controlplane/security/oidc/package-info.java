/**
 * Operators signing in with an OpenID Connect identity provider: the hub runs the authorization
 * code flow with PKCE, checks the provider's ID token, maps its groups to roles and hands out a
 * session that is an ordinary operator token.
 */
package dev.entente.controlplane.security.oidc;
