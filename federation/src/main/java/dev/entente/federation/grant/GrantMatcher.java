package dev.entente.federation.grant;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Many {@link CompiledGrant}s keyed by grant id, for deciding calls without the database: a
 * lock-free hash lookup plus {@link CompiledGrant#decideFast}. Thread-safe: readers never block,
 * and {@link #put}/{@link #remove} replace whole entries (an entry is immutable), so a reader
 * sees either the old or the new grant, never half of one.
 *
 * <p>It is a cache, not the authority: a revocation committed in PostgreSQL applies here only
 * once the entry is replaced or removed.
 */
public final class GrantMatcher {
    private final ConcurrentHashMap<UUID, CompiledGrant> grants;

    public GrantMatcher() {
        this.grants = new ConcurrentHashMap<>();
    }

    /** A matcher over {@code grants}, compiled once. */
    public static GrantMatcher of(Collection<Grant> grants) {
        GrantMatcher m = new GrantMatcher();
        grants.forEach(m::put);
        return m;
    }

    /** Adds or replaces the grant (compiled now). */
    public CompiledGrant put(Grant grant) {
        return put(CompiledGrant.of(grant));
    }

    /** Adds or replaces a compiled grant. */
    public CompiledGrant put(CompiledGrant grant) {
        Objects.requireNonNull(grant, "grant");
        grants.put(grant.id(), grant);
        return grant;
    }

    /** Forgets the grant; later decisions about it are {@link CompiledGrant#UNKNOWN}. */
    public void remove(UUID grantId) {
        grants.remove(grantId);
    }

    /** The compiled grant, or {@code null}. */
    public CompiledGrant get(UUID grantId) {
        return grants.get(grantId);
    }

    public int size() {
        return grants.size();
    }

    /**
     * The verdict for a call under grant {@code grantId}: {@link CompiledGrant#UNKNOWN} when there
     * is no such grant, else {@link CompiledGrant#decideFast}.
     */
    public int decide(UUID grantId, int permissionBit, String instanceId, String networkId, InetAddress source,
                      long nowNanos) {
        CompiledGrant g = grants.get(grantId);
        return g == null ? CompiledGrant.UNKNOWN : g.decideFast(permissionBit, instanceId, networkId, source, nowNanos);
    }

    /** {@link #decide} with a {@link Permission}. */
    public int decide(UUID grantId, Permission permission, String instanceId, String networkId, InetAddress source,
                      long nowNanos) {
        return decide(grantId, permission.bit(), instanceId, networkId, source, nowNanos);
    }
}
