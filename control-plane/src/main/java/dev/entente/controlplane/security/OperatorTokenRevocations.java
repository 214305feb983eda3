package dev.entente.controlplane.security;

import dev.entente.federation.access.CacheInvalidationListener;
import dev.entente.lifecycle.db.Tx;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The ids of revoked operator tokens, in memory so that authenticating a call costs no SQL. A
 * revocation on any replica reaches this set through the V20 trigger's notice on the invalidation
 * listener, which reloads it; the replica that revoked adds the id at commit, before the notice.
 *
 * <p>While the listener is not connected the set may miss a revocation made elsewhere, so each
 * check asks the database instead; only when the database cannot answer either does the last
 * known set stand (revoking needs the database too).
 */
@Singleton
public class OperatorTokenRevocations implements CacheInvalidationListener.Subscriber {
    static final String TABLE = "operator_tokens";
    private static final Logger LOG = LoggerFactory.getLogger(OperatorTokenRevocations.class);

    private final Tx tx;
    private volatile Set<String> revoked = Set.of();
    private volatile boolean live;

    public OperatorTokenRevocations(Tx tx) {
        this.tx = tx;
    }

    /** Whether the token {@code jti} has been revoked. */
    public boolean isRevoked(String jti) {
        if (jti == null) {
            return false;
        }
        if (live) {
            return revoked.contains(jti);
        }
        UUID id;
        try {
            id = UUID.fromString(jti);
        } catch (IllegalArgumentException notOurs) {
            return false;
        }
        try {
            return tx.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT 1 FROM operator_tokens WHERE jti = ? AND revoked_at IS NOT NULL")) {
                    ps.setObject(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (RuntimeException databaseDown) {
            return revoked.contains(jti);
        }
    }

    /** This replica's own revocation, once committed: refused here before the notice comes back. */
    void revoked(UUID jti) {
        Set<String> next = new HashSet<>(revoked);
        next.add(jti.toString());
        revoked = Set.copyOf(next);
    }

    @Override
    public Set<String> tables() {
        return Set.of(TABLE);
    }

    @Override
    public void connected() {
        reload();
    }

    @Override
    public void notice(String table, String key) {
        reload();
    }

    @Override
    public void disconnected() {
        live = false;
    }

    // A whole reload on every notice: revocations are rare, and a full read made while LISTEN is
    // in effect is exact whatever notices came before it.
    private void reload() {
        try {
            revoked = tx.read(c -> {
                Set<String> ids = new HashSet<>();
                // Tokens long expired are refused for that already: their ids need not be kept.
                try (PreparedStatement ps = c.prepareStatement("SELECT jti FROM operator_tokens "
                        + "WHERE revoked_at IS NOT NULL AND expires_at > now() - interval '1 day'");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
                return Set.copyOf(ids);
            });
            live = true;
        } catch (RuntimeException e) {
            live = false;
            LOG.warn("could not read the revoked operator tokens ({}); each call asks the database until the next notice",
                    e.getMessage());
        }
    }
}
