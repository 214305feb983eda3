/** Operator token issuance. */
package dev.entente.controlplane.api.operator;
