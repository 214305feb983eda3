/** The doctor checks of the hub process itself (database, TLS certificate, listener, worker), registered with the federation's doctor. */
package dev.entente.controlplane.doctor;
