/** Operator API for exported resources. */
package dev.entente.controlplane.api.resource;
