/** Audit log listing, verification and key rotation. */
package dev.entente.controlplane.api.audit;
