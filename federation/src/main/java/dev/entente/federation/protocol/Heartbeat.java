package dev.entente.federation.protocol;

import java.util.List;
import java.util.Map;

/**
 * One hub's heartbeat ({@code POST /federation/v1/heartbeat}, and the same fields in the answer).
 *
 * @param clock           the sender's clock (RFC 3339) when it built the message, or anything
 *                        else as received (then the skew is unknown)
 * @param tlsFingerprints the TLS fingerprints the sender serves (the current certificate and any in grace)
 * @param caPhase         the sender's CA rotation phase
 * @param extensions      fields that {@code HeartbeatExtension}s add and read (the audit head a
 *                        peer witnesses), carried beside the fields above as they are
 */
public record Heartbeat(Integer protocolVersion, String hubId, String clock, List<String> tlsFingerprints, String caPhase,
                        Map<String, Object> extensions) {
    public Heartbeat {
        tlsFingerprints = tlsFingerprints == null ? List.of() : List.copyOf(tlsFingerprints);
        extensions = extensions == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extensions));
    }
}
