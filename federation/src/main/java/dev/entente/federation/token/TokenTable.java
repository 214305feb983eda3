package dev.entente.federation.token;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Where one kind of token's digest is kept, by token id: what this hub still knows of a token it
 * minted. A token id the table no longer holds was replaced by a newer token for the same peer,
 * or forgotten after its expiry.
 */
public interface TokenTable {
    /** What became of a token the table holds. */
    enum Use {
        /** Minted and not used yet: presenting it would spend it. */
        OUTSTANDING,
        /** Spent: the handshake or re-enrolment it was for happened. */
        USED,
        /** Never used, and never will be: its peer was revoked first. */
        WITHDRAWN
    }

    /**
     * @param peerId the peer (on this hub) the token was minted for
     * @param usedAt when it was spent, when the table records it
     */
    record Entry(UUID peerId, Instant expiresAt, Use use, Instant usedAt) {
    }

    Optional<Entry> find(Connection c, UUID jti) throws SQLException;
}
