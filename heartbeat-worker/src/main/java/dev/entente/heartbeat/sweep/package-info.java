/** The stale sweep task. */
package dev.entente.heartbeat.sweep;
