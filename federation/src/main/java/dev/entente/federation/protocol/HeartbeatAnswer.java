package dev.entente.federation.protocol;

/**
 * The answer to a heartbeat: the peer's own heartbeat, and whether the caller should renew the
 * node certificate it presented.
 */
public record HeartbeatAnswer(Heartbeat heartbeat, boolean renew) {
}
