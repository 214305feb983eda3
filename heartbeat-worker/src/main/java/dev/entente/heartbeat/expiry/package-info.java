/** Expiry jobs: acceptance tokens, grants, approval requests, and the deadlines of temporary approval policies and worker pauses. */
package dev.entente.heartbeat.expiry;
