package dev.entente.federation.handshake;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the handshake.
 *
 * @param drillMode {@code entente.federation.drill-mode}: keep no token digest, so whoever holds a
 *                  token this hub signed gets in (demos and drills only)
 * @param clockSkew how far past its expiry an accepter still presents a token (the other hub's clock may run behind)
 */
public record HandshakeConfiguration(boolean drillMode, Duration clockSkew) {
    /** Longest lifetime of an acceptance token ({@code peers propose --expires-in}, {@code peers token --expires-in}). */
    public static final Duration MAX_TOKEN_TTL = Duration.ofDays(30);

    public HandshakeConfiguration {
        Objects.requireNonNull(clockSkew, "clockSkew");
    }
}
