/** Unauthenticated health ({@code /healthz}), readiness ({@code /readyz}) and metrics endpoints. */
package dev.entente.controlplane.api.health;
