/** The hub's keys: list them, rotate one with its effects stated, re-key the vault. */
package dev.entente.controlplane.api.keys;
