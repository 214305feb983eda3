package dev.entente.federation.peer;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Work that must happen when a peer is revoked (revoke its node certificates in the CA, revoke its
 * grants). It runs inside the REVOKE transition's transaction, after the optimistic save won: a
 * failing hook undoes the revocation, so a peer is never marked revoked while its certificates
 * still verify.
 */
@FunctionalInterface
public interface PeerRevocationHook {

    /** Revokes nothing: for hubs (and specs) where nothing else hangs off a peer yet. */
    PeerRevocationHook NONE = (c, peerId, reason) -> {
    };

    /**
     * @param c      the transition's connection (do not commit, roll back or close it)
     * @param peerId the peer being revoked
     * @param reason the operator's reason
     */
    void onRevoke(Connection c, UUID peerId, String reason) throws SQLException;

    /** This hook, then {@code next}, on the same transaction. */
    default PeerRevocationHook andThen(PeerRevocationHook next) {
        return (c, peerId, reason) -> {
            onRevoke(c, peerId, reason);
            next.onRevoke(c, peerId, reason);
        };
    }
}
