/** The append-only, HMAC-chained audit log and its verifier. */
package dev.entente.lifecycle.audit;
