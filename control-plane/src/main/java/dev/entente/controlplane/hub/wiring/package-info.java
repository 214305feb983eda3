/** Micronaut factories that build the hub's beans from the domain modules' plain classes, one per area. */
package dev.entente.controlplane.hub.wiring;
