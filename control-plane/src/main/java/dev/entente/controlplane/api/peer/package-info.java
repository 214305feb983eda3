/** Operator API for peers. */
package dev.entente.controlplane.api.peer;
