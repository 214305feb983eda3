/** Unauthenticated health and metrics endpoints. */
package dev.entente.controlplane.api.health;
