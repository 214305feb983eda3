/** Deadline jobs: the expiry of acceptance tokens, grants and approval requests, and the renewal of auto-renewing grants. */
package dev.entente.heartbeat.expiry;
