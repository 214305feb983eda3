/**
 * Deadline jobs: the expiry of acceptance tokens, grants and approval requests, the renewal of
 * auto-renewing grants, and the ends of temporary approval policies and worker pauses.
 */
package dev.entente.heartbeat.expiry;
