package dev.entente.federation.peer;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A row of {@code peers} as Micronaut Data maps it, for the plain finders of
 * {@link PeerRepository}; the writes stay hand-written there (inserts that map unique violations
 * to error codes, the heartbeat columns' one batched writer, counting updates under a row lock).
 */
@MappedEntity("peers")
public record PeerRow(@Id UUID id, String name, @Nullable String hubId, @Nullable String url, String state, long version,
                      @Nullable byte[] tokenDigest, @Nullable UUID tokenJti, @Nullable Instant tokenExpiresAt,
                      @Nullable String[] pinnedFingerprints, @Nullable Instant lastHeartbeatAt,
                      @Nullable String degradedReason, @Nullable String suspendedReason, @Nullable String revokedReason,
                      @Nullable Long lastClockSkewMs, @Nullable Integer remoteProtocolVersion,
                      @Nullable String remoteCaPhase, long heartbeatsSent, long heartbeatsReceived,
                      long heartbeatsFailed, @Nullable String lastHeartbeatError, @Nullable String nodeCertSerial,
                      @Nullable Instant nodeCertNotAfter, @Nullable String nodeCertSignerFingerprint,
                      @Nullable String clientCertPem, @Nullable String clientKeyId, Instant createdAt,
                      Instant updatedAt, Instant stateSince) {

    Peer toPeer() {
        return new Peer(id, name, hubId, url, PeerState.fromValue(state), version, tokenDigest, tokenJti, tokenExpiresAt,
                pinnedFingerprints == null ? List.of() : Arrays.asList(pinnedFingerprints), lastHeartbeatAt,
                degradedReason, suspendedReason, revokedReason, lastClockSkewMs, remoteProtocolVersion, remoteCaPhase,
                heartbeatsSent, heartbeatsReceived, heartbeatsFailed, lastHeartbeatError, nodeCertSerial,
                nodeCertNotAfter, nodeCertSignerFingerprint, clientCertPem, clientKeyId, createdAt, updatedAt, stateSince);
    }
}
