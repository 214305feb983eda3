/** Calling a peer's federation API on an operator's behalf. */
package dev.entente.controlplane.api.remote;
