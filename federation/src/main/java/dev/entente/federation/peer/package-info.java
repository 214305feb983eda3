/** Peers: the lifecycle of a link to a remote hub, its table as data, its store, and the stale sweep. */
package dev.entente.federation.peer;
