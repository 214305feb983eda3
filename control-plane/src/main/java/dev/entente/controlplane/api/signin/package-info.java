/** Signing in with the identity provider ({@code /auth/oidc/*}) and ending a session ({@code /api/v1/session}). */
package dev.entente.controlplane.api.signin;
