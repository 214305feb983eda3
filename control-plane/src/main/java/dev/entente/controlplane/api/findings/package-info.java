/** The findings endpoint: what the governance scan stored, over the admin API. */
package dev.entente.controlplane.api.findings;
