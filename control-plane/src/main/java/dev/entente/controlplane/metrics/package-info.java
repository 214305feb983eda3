/** The hub's Prometheus metrics. */
package dev.entente.controlplane.metrics;
