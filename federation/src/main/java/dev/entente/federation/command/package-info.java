/**
 * Operator commands: one record per action an operator can take, shared by the CLI, the admin API
 * and stored approval requests, and the executor that runs them against the domain.
 */
package dev.entente.federation.command;
