/** Operator API for federation grants. */
package dev.entente.controlplane.api.grant;
