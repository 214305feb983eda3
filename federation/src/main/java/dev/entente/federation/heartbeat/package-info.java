/** Heartbeats between linked hubs: sending ours, receiving theirs, and the batched write of the quiet ones. */
package dev.entente.federation.heartbeat;
