/** Unauthenticated health ({@code /healthz}) and readiness ({@code /readyz}), and the metrics endpoint. */
package dev.entente.controlplane.api.health;
