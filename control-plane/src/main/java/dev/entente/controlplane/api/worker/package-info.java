/** {@code /api/v1/worker}: pausing and resuming the background jobs while the hub runs. */
package dev.entente.controlplane.api.worker;
