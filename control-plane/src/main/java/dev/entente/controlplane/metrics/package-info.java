/** The hub's Prometheus metrics: Entente's own series on the registry micronaut-micrometer provides. */
package dev.entente.controlplane.metrics;
