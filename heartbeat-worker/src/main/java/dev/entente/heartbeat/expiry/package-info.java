/** Expiry jobs: acceptance tokens (and, with grants, grants). */
package dev.entente.heartbeat.expiry;
