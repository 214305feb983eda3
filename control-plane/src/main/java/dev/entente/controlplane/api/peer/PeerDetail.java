package dev.entente.controlplane.api.peer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.entente.federation.peer.Peer;

import java.time.Duration;
import java.time.Instant;

/**
 * A peer as {@code peers show} and {@code peers list --detail} print it: the {@link Peer.View}
 * fields, then its heartbeat counters and what it last said about itself, nulls written.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"peer", "last_heartbeat_age_s", "heartbeats_sent", "heartbeats_received", "heartbeats_failed",
        "last_heartbeat_error", "clock_skew_ms", "remote_protocol_version", "remote_ca_phase", "state_since",
        "suspended_reason", "revoked_reason"})
record PeerDetail(@JsonUnwrapped Peer.View peer,
                  @JsonProperty("last_heartbeat_age_s") Long lastHeartbeatAgeS,
                  @JsonProperty("heartbeats_sent") long heartbeatsSent,
                  @JsonProperty("heartbeats_received") long heartbeatsReceived,
                  @JsonProperty("heartbeats_failed") long heartbeatsFailed,
                  @JsonProperty("last_heartbeat_error") String lastHeartbeatError,
                  @JsonProperty("clock_skew_ms") Long clockSkewMs,
                  @JsonProperty("remote_protocol_version") Integer remoteProtocolVersion,
                  @JsonProperty("remote_ca_phase") String remoteCaPhase,
                  @JsonProperty("state_since") String stateSince,
                  @JsonProperty("suspended_reason") String suspendedReason,
                  @JsonProperty("revoked_reason") String revokedReason) {

    static PeerDetail of(Peer p, Instant now) {
        return new PeerDetail(p.view(),
                p.lastHeartbeatAt() == null ? null : Duration.between(p.lastHeartbeatAt(), now).toSeconds(),
                p.heartbeatsSent(), p.heartbeatsReceived(), p.heartbeatsFailed(), p.lastHeartbeatError(), p.lastClockSkewMs(),
                p.remoteProtocolVersion(), p.remoteCaPhase(), p.stateSince() == null ? null : p.stateSince().toString(),
                p.suspendedReason(), p.revokedReason());
    }
}
