/** CA status and rotation moves. */
package dev.entente.controlplane.api.ca;
