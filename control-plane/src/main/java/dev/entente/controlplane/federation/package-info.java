/** The shell of the federation protocol (which lives in the federation module): HTTPS transport, JSON wire, access cache. */
package dev.entente.controlplane.federation;
