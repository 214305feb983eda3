package dev.entente.federation.access;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Warms the {@link FederationAccessCache} each time the invalidation listener (re)connects, on a
 * thread of its own so that notices keep flowing meanwhile. After a hub restart every peer
 * reconnects within seconds; without this each one's first heartbeat paid the chain check and its
 * reads (issue 15: ~7–8% of the hub's samples over a restart). The cache is live before the
 * warm-up starts, so requests arriving meanwhile take the full path as before.
 */
public final class AccessCacheWarmUp implements CacheInvalidationListener.Subscriber {
    private static final Logger LOG = LoggerFactory.getLogger(AccessCacheWarmUp.class);

    private final PeerAuthenticator authenticator;

    public AccessCacheWarmUp(PeerAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    /** No table of its own: the access cache's own notices reach it through the listener. */
    @Override
    public Set<String> tables() {
        return Set.of();
    }

    @Override
    public void connected() {
        Thread thread = new Thread(this::warmUp, "entente-access-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private void warmUp() {
        long started = System.nanoTime();
        try {
            int read = authenticator.warmUp();
            if (read > 0) {
                LOG.info("access cache warmed with {} peer certificates in {} ms", read, (System.nanoTime() - started) / 1_000_000);
            }
        } catch (RuntimeException e) {
            // Only a head start: every request still fills the cache on its own.
            LOG.warn("access cache warm-up failed ({}); peers' first requests take the full path", e.getMessage());
        }
    }

    @Override
    public void notice(String table, String key) {
        // never called: no tables
    }

    @Override
    public void disconnected() {
        // the cache drops every entry itself, and a running warm-up's fills are refused once it is not live
    }
}
