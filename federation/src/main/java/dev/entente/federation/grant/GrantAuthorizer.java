package dev.entente.federation.grant;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers the federation API's two questions about a grant (DESIGN §5):
 * <ol>
 *   <li>{@link #authenticate}: is the bearer token a grant of the calling peer? Failures are 401:
 *       {@code grant_token_malformed}, {@code grant_unknown}, {@code grant_peer_mismatch}.</li>
 *   <li>{@link #decide}: does that grant cover this call? Failures are 403, first failing check
 *       wins, in this order: state ({@code grant_revoked}, {@code grant_expired}), permission ({@code grant_permission_insufficient}), instance,
 *       network, source IP (each {@code grant_scope_mismatch}, the detail names which).</li>
 * </ol>
 * {@link #explain} answers the second without side effects, for {@code grants explain}.
 *
 * <p>The verdict comes from the grant's {@link CompiledGrant} (cached by grant id, and compiled
 * again when the row it is handed has other scopes or another expiry: an update or a renewal),
 * and the per-check details from the same compiled form, so explain and the API cannot disagree.
 *
 * <p>Recording denials ({@code access.denied} audit events) is the caller's job: it knows the
 * peer, the route and the request id.
 */
public final class GrantAuthorizer {
    private static final System.Logger LOG = System.getLogger(GrantAuthorizer.class.getName());
    // Enough for every grant a hub plausibly holds; past it the cache starts over rather than grow.
    private static final int CACHE_LIMIT = 100_000;
    // Compared against when the grant id is unknown, so both "unknown" paths do the same work.
    private static final byte[] NO_DIGEST = new byte[32];

    private final GrantRepository grants;
    private final GrantLifecycle lifecycle;
    private final Clock clock;
    private final ConcurrentHashMap<UUID, CompiledGrant> compiled = new ConcurrentHashMap<>();
    private final GrantRows rows;

    /**
     * Where {@link #authenticate} gets a grant's row by id: straight from the database, or from
     * a memo that the caller keeps exact (the control plane drops a grant's row the moment it
     * changes, on this process and, by NOTIFY, on every replica). The row's content is opaque to
     * the memo: the secret digest stays inside this package.
     */
    public interface GrantRows {
        /** The row {@code load} would return, possibly remembered; only present rows may be remembered. */
        <T> Optional<T> find(UUID grantId, java.util.function.Supplier<Optional<T>> load);

        /** Always asks the database. */
        GrantRows DIRECT = new GrantRows() {
            @Override
            public <T> Optional<T> find(UUID grantId, java.util.function.Supplier<Optional<T>> load) {
                return load.get();
            }
        };
    }

    /**
     * @param grants    where grants are read
     * @param lifecycle used to move a grant found past its expiry to expired (lazily, on use)
     * @param clock     the time of a request that does not carry one
     */
    public GrantAuthorizer(GrantRepository grants, GrantLifecycle lifecycle, Clock clock) {
        this(grants, lifecycle, clock, GrantRows.DIRECT);
    }

    /** As above, reading grant rows through {@code rows}. */
    public GrantAuthorizer(GrantRepository grants, GrantLifecycle lifecycle, Clock clock, GrantRows rows) {
        this.rows = Objects.requireNonNull(rows, "rows");
        this.grants = Objects.requireNonNull(grants, "grants");
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The grant {@code bearerToken} names, provided its secret matches and it was issued to
     * {@code callerPeerId} (the peer the client certificate maps to). The state is not checked
     * here: a revoked or expired grant authenticates and is then refused by {@link #decide} with
     * a 403 that says so.
     *
     * @throws EntenteException 401 {@code grant_token_malformed} (not {@code fg-<uuid>.<secret>});
     *                          {@code grant_unknown} (no such grant, or wrong secret: deliberately
     *                          the same code and message, so a caller cannot probe for grant ids);
     *                          {@code grant_peer_mismatch} (a grant of another peer)
     */
    public Grant authenticate(String bearerToken, UUID callerPeerId) {
        Objects.requireNonNull(callerPeerId, "callerPeerId");
        GrantTokens.Parsed token = GrantTokens.parse(bearerToken);
        byte[] presented = GrantTokens.digest(token.secret());
        Optional<GrantRepository.Stored> stored = rows.find(token.grantId(), () -> grants.findStored(token.grantId()));
        // Constant-time comparison: timing must not tell how many leading bytes were right.
        boolean match = MessageDigest.isEqual(stored.map(GrantRepository.Stored::secretDigest).orElse(NO_DIGEST),
                presented);
        if (stored.isEmpty() || !match) {
            throw new EntenteException(ErrorCode.GRANT_UNKNOWN, "no grant matches this token; it may have been "
                    + "mistyped, or issued by another hub: ask the issuing hub's operators for the token");
        }
        Grant grant = stored.get().grant();
        // Checked after the secret: only a holder of the secret learns the grant is someone else's.
        if (!grant.peerId().equals(callerPeerId)) {
            throw new EntenteException(ErrorCode.GRANT_PEER_MISMATCH, "grant " + grant.id()
                    + " was issued to another peer, not to the peer calling (" + callerPeerId
                    + "); a grant works only for the peer it was issued to",
                    Map.of("grant_id", grant.id().toString()));
        }
        return grant;
    }

    /**
     * {@link #authenticate} then {@link #decide}: the federation API's whole grant check.
     *
     * @throws EntenteException the 401s of {@link #authenticate}
     */
    public Decision authorize(String bearerToken, UUID callerPeerId, AccessRequest request) {
        return decide(authenticate(bearerToken, callerPeerId), request);
    }

    /**
     * Whether {@code grant} covers {@code request}. Expiry is enforced at the moment of use: an
     * active grant at or past its {@code expires_at} is refused with {@code grant_expired} even if
     * the expiry job has not run, and is moved to expired on the way ({@link GrantLifecycle#expire});
     * that move failing (a concurrent change, the database) is logged and never changes the decision.
     */
    public Decision decide(Grant grant, AccessRequest request) {
        Instant now = request.now() == null ? clock.instant() : request.now();
        Decision decision = evaluate(grant, request, now);
        if (grant.state() == GrantState.ACTIVE && grant.isExpired(now)) {
            try {
                lifecycle.expire(grant.id(), now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "lazy expiry of grant " + grant.id() + " failed; the expiry "
                        + "job will retry", e);
            }
        }
        return decision;
    }

    /** {@link #decide} without the lazy expiry: no side effects at all (for {@code grants explain}). */
    public Decision explain(Grant grant, AccessRequest request) {
        return evaluate(grant, request, request.now() == null ? clock.instant() : request.now());
    }

    private Decision evaluate(Grant grant, AccessRequest request, Instant now) {
        Objects.requireNonNull(grant, "grant");
        Objects.requireNonNull(request, "request");
        CompiledGrant c = compiled(grant);
        long nowNanos = CompiledGrant.epochNanos(now);
        int verdict = c.decideFast(request.permission().bit(), request.instanceId(), request.networkId(),
                request.sourceIp(), nowNanos);

        List<Check> checks = new ArrayList<>(5);
        checks.add(stateCheck(grant, c.expiredAt(nowNanos), now));
        String perm = request.permission().value();
        List<String> scopes = new ArrayList<>();
        grant.permissionScopes().forEach(p -> scopes.add(p.value()));
        checks.add(c.allowsPermission(request.permission().bit())
                ? new Check("permission", true, perm + " is granted " + scopes)
                : new Check("permission", false, perm + " is not granted; the grant allows " + scopes));
        checks.add(listCheck("instance", "Federation-Instance-Id", request.instanceId(), grant.instanceIds(),
                c.allowsInstance(request.instanceId())));
        checks.add(listCheck("network", "Federation-Network-Id", request.networkId(), grant.networkIds(),
                c.allowsNetwork(request.networkId())));
        checks.add(sourceCheck(request, grant.sourceCidrs(), c.allowsSource(request.sourceIp())));

        Check failed = checks.stream().filter(k -> !k.ok()).findFirst().orElse(null);
        // The fast verdict and the explained checks come from the same compiled grant; if they
        // ever disagree, refusing loudly beats letting explain and the API tell different stories.
        String expected = switch (verdict) {
            case CompiledGrant.APPLIES -> null;
            case CompiledGrant.REVOKED, CompiledGrant.EXPIRED -> "state";
            case CompiledGrant.PERMISSION_INSUFFICIENT -> "permission";
            case CompiledGrant.INSTANCE_MISMATCH -> "instance";
            case CompiledGrant.NETWORK_MISMATCH -> "network";
            case CompiledGrant.SOURCE_MISMATCH -> "source_ip";
            default -> throw new IllegalStateException("unexpected verdict " + verdict);
        };
        if (!Objects.equals(expected, failed == null ? null : failed.check())) {
            throw new IllegalStateException("grant " + grant.id() + ": verdict " + verdict + " but checks " + checks);
        }
        if (failed == null) {
            return new Decision(true, null, "grant " + grant.id() + " applies", checks);
        }
        return new Decision(false, CompiledGrant.errorCode(verdict), failed.detail(), checks);
    }

    private static Check stateCheck(Grant grant, boolean expiryReached, Instant now) {
        return switch (grant.state()) {
            case ACTIVE -> expiryReached
                    ? new Check("state", false, "grant " + grant.id() + " expired at " + grant.expiresAt()
                    + " (now " + now + "); issue a new grant")
                    : new Check("state", true, "grant is active until " + grant.expiresAt());
            case REVOKED -> new Check("state", false, "grant " + grant.id() + " is revoked"
                    + (grant.revokedReason() == null ? "" : " (" + grant.revokedReason() + ")"));
            case EXPIRED -> new Check("state", false, "grant " + grant.id() + " expired at " + grant.expiresAt()
                    + "; issue a new grant");
        };
    }

    private static Check listCheck(String what, String header, String value, List<String> allowed, boolean ok) {
        if (allowed.isEmpty()) {
            return new Check(what, true, "any " + what + " (the grant has no " + what + " restriction)");
        }
        if (value == null) {
            return new Check(what, false, "no " + what + " given (" + header + " header missing); the grant allows "
                    + what + "s " + allowed);
        }
        return new Check(what, ok, what + " " + value + (ok ? " is in " : " is not in ") + allowed);
    }

    private static Check sourceCheck(AccessRequest request, List<String> cidrs, boolean ok) {
        if (cidrs.isEmpty()) {
            return new Check("source_ip", true, "any source ip (the grant has no cidr restriction)");
        }
        if (request.sourceIp() == null) {
            return new Check("source_ip", false, "source ip unknown; the grant allows only " + cidrs);
        }
        String ip = Cidr.format(request.sourceIp());
        return new Check("source_ip", ok, "source ip " + ip + (ok ? " is in " : " is not in ") + cidrs);
    }

    private CompiledGrant compiled(Grant grant) {
        CompiledGrant c = compiled.get(grant.id());
        if (c != null && c.sameScopes(grant)) {
            if (c.state() == grant.state()) {
                return c;
            }
            c = c.withState(grant);
        } else {
            c = CompiledGrant.of(grant);
        }
        if (compiled.size() >= CACHE_LIMIT) {
            compiled.clear();
        }
        compiled.put(grant.id(), c);
        return c;
    }
}
