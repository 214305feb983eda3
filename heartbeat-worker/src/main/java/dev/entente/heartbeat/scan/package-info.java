/** The governance scan (findings opened and resolved from the doctor's conditions), as a scheduled task. */
package dev.entente.heartbeat.scan;
