/** The doctor endpoint: every check's findings over the admin API. */
package dev.entente.controlplane.api.doctor;
