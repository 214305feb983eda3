/** Operator tokens: issuing, listing and revoking them. */
package dev.entente.controlplane.api.operator;
