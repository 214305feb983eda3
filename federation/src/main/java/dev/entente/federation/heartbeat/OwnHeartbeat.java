package dev.entente.federation.heartbeat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.federation.protocol.Cached;
import dev.entente.federation.protocol.FederationProtocol;
import dev.entente.federation.protocol.Heartbeat;
import dev.entente.federation.protocol.LocalHub;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/** This hub's heartbeat, sent to peers and given back as the answer to theirs. */
public final class OwnHeartbeat {
    private final LocalHub hub;
    private final Clock clock;
    // Read on every heartbeat; a second of staleness only delays a peer's renewal by one heartbeat.
    private final Cached<String> caPhase;

    /** @param caPhase this hub's CA rotation phase now */
    public OwnHeartbeat(LocalHub hub, Clock clock, Supplier<String> caPhase) {
        this.hub = hub;
        this.clock = clock;
        this.caPhase = new Cached<>(Duration.ofSeconds(1), caPhase);
    }

    /**
     * Our heartbeat with {@code extensions}. Its clock is read now, when the message is built,
     * not taken from the round's start: the peer measures the skew between our clocks from it.
     */
    public Heartbeat build(Map<String, JsonNode> extensions) {
        return new Heartbeat(FederationProtocol.VERSION, hub.hubId(), clock.instant().toString(), hub.servedFingerprints(),
                caPhase.get(), extensions);
    }
}
