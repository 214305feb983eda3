package dev.entente.federation.protocol;

import java.util.UUID;

/**
 * Told when the protocol changed something a per-process cache of federation callers may hold:
 * a peer row (state, pins) or a certificate that stopped working. Its transitions' commits reach
 * the cache on their own; these are the writes that are not transitions.
 */
public interface AccessInvalidation {
    /** Drops cached copies of the peer. */
    void peerChanged(UUID peerId);

    /** Drops the cached admission of the certificate with this fingerprint. */
    void certificateSuperseded(String fingerprint);

    /** For hubs and tests without a cache. */
    AccessInvalidation NONE = new AccessInvalidation() {
        @Override
        public void peerChanged(UUID peerId) {
        }

        @Override
        public void certificateSuperseded(String fingerprint) {
        }
    };
}
