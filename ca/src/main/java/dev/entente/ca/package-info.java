/** The hub's keys and certificates: the key vault, TLS and JWT keys, and the federation CA. */
package dev.entente.ca;
