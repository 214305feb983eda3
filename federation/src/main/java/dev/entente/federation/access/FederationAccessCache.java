package dev.entente.federation.access;

import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.federation.resource.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What the federation API's authentication reads from the database, kept in memory so that a
 * peer on a keep-alive connection costs no SQL per request (issues 4 and 5): the client
 * certificate's verified chain and issuance record with the peer it maps to, grant rows by id,
 * and exported resources.
 *
 * <p><b>Exactness.</b> A cached answer must never outlive the change that voids it, or a
 * suspended peer or revoked grant would keep working. Three things keep it exact:
 * <ul>
 *   <li>on this process, the code that commits a change drops the entries it voids before it
 *       returns (the lifecycle engine's commit listener for peer, grant and CA rotation
 *       transitions; explicit calls for certificate renewal and resource put/delete);</li>
 *   <li>on other processes sharing the database, triggers (migration V9) NOTIFY on channel
 *       {@code entente_cache} at commit, and {@link CacheInvalidationListener} drops the entries
 *       named; while that listener is not connected (start-up, a dropped connection) the cache is
 *       bypassed entirely, and when it (re)connects everything is dropped, since notices sent
 *       while it was away are lost;</li>
 *   <li>a fill races an invalidation through {@link #generation()}: a reader that loaded from the
 *       database before an invalidation it did not see must not store what it read.</li>
 * </ul>
 * Only answers that admit a caller are cached: refusals take the full path every time, which
 * also gives them their precise error message. Time-dependent checks (certificate validity,
 * grant expiry) stay per request, against the clock. Entries also expire after {@link #MAX_AGE}
 * ({@link #CALLER_MAX_AGE} for certificates) as a backstop.
 */
public final class FederationAccessCache implements GrantAuthorizer.GrantRows {
    private static final Logger LOG = LoggerFactory.getLogger(FederationAccessCache.class);
    /** Backstop against any invalidation path nobody thought of: a refill per peer per minute is free. */
    static final Duration MAX_AGE = Duration.ofSeconds(60);
    /**
     * The same backstop for a peer's certificate: longer than a few heartbeat intervals (30 s by
     * default), or every other heartbeat of every peer takes the full path (chain check and two
     * reads), which was a sixteenth of the inbound CPU samples at 1,000 peers.
     */
    static final Duration CALLER_MAX_AGE = Duration.ofMinutes(5);
    // Enough for every peer certificate, grant and resource a hub plausibly serves; past it a map starts over.
    private static final int LIMIT = 50_000;
    private static final String ALL_RESOURCES = "";

    /** A verified client certificate: the caller it maps to, valid between the two instants (leaf and CA). */
    record CallerEntry(FederationCaller caller, Instant validFrom, Instant validUntil, long filledAt) {
    }

    private record Timed<T>(T value, long filledAt) {
    }

    private final AtomicLong generation = new AtomicLong();
    private final Map<X509Certificate, CallerEntry> callers = new ConcurrentHashMap<>();
    private final Map<UUID, Timed<Object>> grants = new ConcurrentHashMap<>();
    private final Map<String, Timed<Object>> resources = new ConcurrentHashMap<>();
    private volatile boolean live;
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong notices = new AtomicLong();

    /**
     * Whether entries may be used: only while the invalidation listener is connected, so that no
     * change made on another replica can go unnoticed.
     */
    public boolean live() {
        return live;
    }

    /** The listener is connected and listening: start from nothing, since notices may have been missed. */
    void connected() {
        invalidateAll();
        connections.incrementAndGet();
        live = true;
    }

    /** How many times the invalidation listener has (re)connected. */
    public long connections() {
        return connections.get();
    }

    /** How many change notices have arrived over the listener (another replica's or this one's commits). */
    public long notices() {
        return notices.get();
    }

    /** The listener lost its connection: stop using entries until it is back. */
    void disconnected() {
        live = false;
        invalidateAll();
    }

    /** Captured before a database read whose result may be stored. */
    long generation() {
        return generation.get();
    }

    // ------------------------------------------------------------------ callers

    /**
     * The caller for {@code leaf} (compared by its DER bytes) if cached, live, not too old and
     * within its validity at {@code now}; otherwise null and the caller takes the full path
     * (which also reports an expired certificate with its own code).
     */
    public FederationCaller caller(X509Certificate leaf, Instant now) {
        if (!live) {
            return null;
        }
        CallerEntry e = callers.get(leaf);
        if (e == null || System.nanoTime() - e.filledAt() > CALLER_MAX_AGE.toNanos() || now.isBefore(e.validFrom())
                || now.isAfter(e.validUntil())) {
            return null;
        }
        return e.caller();
    }

    void rememberCaller(X509Certificate leaf, CallerEntry entry, long seenGeneration) {
        if (live) {
            put(callers, leaf, entry, seenGeneration);
        }
    }

    // ------------------------------------------------------------------ grants

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(UUID grantId, Supplier<Optional<T>> load) {
        if (!live) {
            return load.get();
        }
        Timed<Object> hit = grants.get(grantId);
        if (hit != null && !tooOld(hit.filledAt())) {
            return Optional.of((T) hit.value());
        }
        long seen = generation();
        Optional<T> loaded = load.get();
        loaded.ifPresent(row -> put(grants, grantId, new Timed<>(row, System.nanoTime()), seen));
        return loaded;
    }

    // ------------------------------------------------------------------ resources

    /** One exported resource, or its absence (both cached: a put drops the entry). */
    @SuppressWarnings("unchecked")
    public Optional<Resource> resource(String kind, String name, Supplier<Optional<Resource>> load) {
        String key = kind + "/" + name;
        return (Optional<Resource>) remembered(key, () -> load.get());
    }

    /** Every exported resource. */
    @SuppressWarnings("unchecked")
    public List<Resource> resources(Supplier<List<Resource>> load) {
        return (List<Resource>) remembered(ALL_RESOURCES, () -> List.copyOf(load.get()));
    }

    private Object remembered(String key, Supplier<Object> load) {
        if (!live) {
            return load.get();
        }
        Timed<Object> hit = resources.get(key);
        if (hit != null && !tooOld(hit.filledAt())) {
            return hit.value();
        }
        long seen = generation();
        Object loaded = load.get();
        put(resources, key, new Timed<>(loaded, System.nanoTime()), seen);
        return loaded;
    }

    // ------------------------------------------------------------------ invalidation

    /** Peer {@code id} changed state (or was deleted): drop its certificates' entries. */
    public void invalidatePeer(UUID id) {
        generation.incrementAndGet();
        callers.values().removeIf(e -> e.caller().peer().id().equals(id));
    }

    /** A certificate was revoked (or deleted): drop its entry. */
    public void invalidateCertificate(String fingerprint) {
        generation.incrementAndGet();
        callers.values().removeIf(e -> e.caller().certificate().fingerprint().equals(fingerprint));
    }

    /** The CA's keys or rotation phase changed: which certificates chain to a trusted key may differ. */
    public void invalidateCertificates() {
        generation.incrementAndGet();
        callers.clear();
    }

    public void invalidateGrant(UUID id) {
        generation.incrementAndGet();
        grants.remove(id);
    }

    /** Resource kind/name was put or deleted: drop it and the full list. */
    public void invalidateResource(String kind, String name) {
        generation.incrementAndGet();
        resources.remove(kind + "/" + name);
        resources.remove(ALL_RESOURCES);
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        callers.clear();
        grants.clear();
        resources.clear();
    }

    /** Lifecycle transitions committed on this process (the engine's commit listener). */
    public void committed(String table, List<Object> ids) {
        switch (table) {
            case "peers" -> {
                ids.forEach(id -> invalidatePeer(asUuid(id)));
                // Revoking a peer revokes its grants in the same transaction, without a grant
                // transition of their own; grant rows are opaque here, so drop them all (peer
                // transitions are rare, and the peer is refused before its grants are read anyway).
                grants.clear();
            }
            case "grants" -> ids.forEach(id -> invalidateGrant(asUuid(id)));
            case "ca_rotations", "certificate_authorities" -> invalidateCertificates();
            default -> {
                // approvals and the like: nothing cached here depends on them
            }
        }
    }

    /**
     * A notice from another process (or this one: NOTIFY reaches every listener), payload
     * {@code <table>[:<key>]} as the V9 triggers send it. An unknown or malformed notice drops
     * everything rather than risk keeping a voided entry.
     */
    public void notice(String payload) {
        notices.incrementAndGet();
        int colon = payload.indexOf(':');
        String table = colon < 0 ? payload : payload.substring(0, colon);
        String key = colon < 0 ? null : payload.substring(colon + 1);
        try {
            switch (table) {
                case "peers" -> {
                    if (key == null) {
                        invalidateCertificates();
                    } else {
                        invalidatePeer(UUID.fromString(key));
                    }
                }
                case "issued_certificates" -> {
                    if (key == null) {
                        invalidateCertificates();
                    } else {
                        invalidateCertificate(key);
                    }
                }
                case "certificate_authorities", "ca_rotations" -> invalidateCertificates();
                case "grants" -> {
                    if (key == null) {
                        generation.incrementAndGet();
                        grants.clear();
                    } else {
                        invalidateGrant(UUID.fromString(key));
                    }
                }
                case "exported_resources" -> {
                    int slash = key == null ? -1 : key.indexOf('/');
                    if (slash < 0) {
                        generation.incrementAndGet();
                        resources.clear();
                    } else {
                        invalidateResource(key.substring(0, slash), key.substring(slash + 1));
                    }
                }
                default -> invalidateAll();
            }
        } catch (IllegalArgumentException malformed) {
            LOG.warn("malformed cache notice '{}'; dropping every cached entry", payload);
            invalidateAll();
        }
    }

    private static UUID asUuid(Object id) {
        return id instanceof UUID u ? u : UUID.fromString(String.valueOf(id));
    }

    /** True when an entry filled at {@code filledAt} (System.nanoTime) is past {@link #MAX_AGE}. */
    private static boolean tooOld(long filledAt) {
        return System.nanoTime() - filledAt > MAX_AGE.toNanos();
    }

    /**
     * Stores unless an invalidation ran since {@code seenGeneration} was read. Put first, check
     * after: an invalidation bumps the generation before it removes, so either it removes this
     * entry or this check sees its bump.
     */
    private <K, V> void put(Map<K, V> map, K key, V value, long seenGeneration) {
        if (map.size() >= LIMIT) {
            map.clear();
        }
        map.put(key, value);
        if (generation.get() != seenGeneration) {
            map.remove(key, value);
        }
    }
}
