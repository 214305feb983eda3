package dev.entente.controlplane.api.ca;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.entente.ca.authority.CaKey;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.federation.renewal.Laggards;

import java.util.List;

/**
 * One CA type in {@code GET /api/v1/ca}: the rotation's status, and each laggard described
 * ({@code laggards} keeps the bare peer ids older clients read).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"type", "phase", "since", "active_fingerprint", "standby_fingerprint", "laggards", "laggard_peers",
        "key_algorithm", "key_store"})
record CaStatus(@JsonProperty("type") String type, @JsonProperty("phase") String phase, @JsonProperty("since") String since,
                @JsonProperty("active_fingerprint") String activeFingerprint,
                @JsonProperty("standby_fingerprint") String standbyFingerprint,
                @JsonProperty("laggards") List<String> laggards,
                @JsonProperty("laggard_peers") List<Laggards.Laggard> laggardPeers,
                @JsonProperty("key_algorithm") String keyAlgorithm,
                @JsonProperty("key_store") String keyStore) {

    /** @param signing the key that signs now: its algorithm and where it lives are shown */
    static CaStatus of(RotationLifecycle.Status status, List<Laggards.Laggard> laggardPeers, CaKey signing) {
        RotationLifecycle.View v = status.view();
        return new CaStatus(v.type(), v.phase(), v.since(), v.activeFingerprint(), v.standbyFingerprint(), v.laggards(),
                laggardPeers, algorithm(signing.algorithm()), signing.where());
    }

    /** {@code sealed_keys.algorithm} in words: {@code ECDSA P-256} (every key a PKCS#11 token makes) or {@code Ed25519}. */
    static String algorithm(String stored) {
        return stored.startsWith("EC-") ? "ECDSA P-256" : stored;
    }
}
