/** Quartz jobs (thin shells) around plain, testable workers: heartbeats, sweeps, expiry, scans. */
package dev.entente.heartbeat;
