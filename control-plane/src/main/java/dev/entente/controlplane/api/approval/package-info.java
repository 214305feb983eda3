/** Operator API for approval requests (the two-person rule). */
package dev.entente.controlplane.api.approval;
