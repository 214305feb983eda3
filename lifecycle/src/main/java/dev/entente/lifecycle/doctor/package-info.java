/** The doctor code registry: every {@code DR0xx} code, its severity, the finding a check reports and the runbook section it points to. */
package dev.entente.lifecycle.doctor;
