/** Starting a hub: settings, embedded PostgreSQL, bootstrap of identity and keys. */
package dev.entente.controlplane.hub;
