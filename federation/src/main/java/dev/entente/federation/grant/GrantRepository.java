package dev.entente.federation.grant;

import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.data.model.Sort;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Grant rows in PostgreSQL. Issuing a grant (validation, the one-time bearer token) and reads
 * happen here; every state change after issuance is a transition through {@link GrantLifecycle}.
 *
 * <p>Issuance is not audited here (this class has no audit log): the caller records
 * {@code grant.issued} with the operator, as it does for other creations.
 */
public final class GrantRepository {
    /** Instance and network ids: 1–128 characters of {@code [A-Za-z0-9._:-]}. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** At most this many instance ids, network ids and source CIDRs per grant (each). */
    public static final int MAX_LIST = 256;
    /** The longest one term of a grant may last (issue, update of the expiry, renewal). */
    public static final Duration MAX_LIFETIME = Duration.ofDays(365);
    /** The longest an auto-renewing grant may be extended to, counted from its issue or update. */
    public static final Duration MAX_AUTO_LIFETIME = Duration.ofDays(3_650);
    /** An auto-renewing grant's maximum lifetime when the operator names none. */
    public static final Duration DEFAULT_AUTO_LIFETIME = Duration.ofDays(365);

    private static final Sort NEWEST_FIRST = Sort.of(Sort.Order.desc("createdAt"), Sort.Order.asc("id"));

    /**
     * A grant with its stored secret digest: only {@link GrantAuthorizer} needs the digest, and it
     * never leaves this package.
     */
    record Stored(Grant grant, byte[] secretDigest) {
    }

    private final Tx tx;
    private final GrantTable rows;
    private final Clock clock;

    /** With the system clock (for "expires_at is in the future"). */
    public GrantRepository(Tx tx, GrantTable rows) {
        this(tx, rows, Clock.systemUTC());
    }

    /**
     * @param rows the generated repository of {@code grants}, of the bean context {@code tx} belongs to
     */
    public GrantRepository(Tx tx, GrantTable rows, Clock clock) {
        this.tx = Objects.requireNonNull(tx, "tx");
        this.rows = Objects.requireNonNull(rows, "rows");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The transaction helper this repository runs on. */
    public Tx tx() {
        return tx;
    }

    /**
     * Issues a grant to {@code peerId} and returns it with its bearer token
     * {@code fg-<grant-uuid>.<secret>}, shown this once: only the secret's SHA-256 digest is stored.
     *
     * <p>Lists are de-duplicated (first occurrence kept); CIDRs are stored in canonical form with an
     * explicit prefix ({@link Cidr}); {@code expiresAt} is truncated to microseconds, PostgreSQL's
     * precision, so the returned grant equals the stored one.
     *
     * <p>The peer row is read {@code FOR SHARE}: a concurrent peer revocation either commits first
     * (and issuing is refused) or waits for this insert, and then its revocation hook sees and
     * revokes the new grant. Without the lock a grant could be issued to a peer being revoked and
     * stay active.
     *
     * @param scopes          non-empty
     * @param instanceIds     allow-list; empty or {@code null} = any instance
     * @param networkIds      allow-list; empty or {@code null} = any network
     * @param sourceCidrs     allow-list of IPv4/IPv6 CIDRs; empty or {@code null} = any source
     * @param expiresAt       in the future, at most {@link #MAX_LIFETIME} out
     * @param issuedBy        the operator
     * @throws EntenteException {@code invalid_request} naming the field and the fix;
     *                          {@code not_found} for an unknown peer
     */
    public IssuedGrant issue(UUID peerId, Set<Permission> scopes, List<String> instanceIds, List<String> networkIds,
                             List<String> sourceCidrs, Instant expiresAt, String issuedBy) {
        return issue(peerId, scopes, instanceIds, networkIds, sourceCidrs, expiresAt, null, issuedBy);
    }

    /**
     * As above; with {@code maxExpiresAt} set the grant auto-renews: the worker extends it at two
     * thirds of each term, while its peer is active, up to that instant.
     *
     * @param maxExpiresAt {@code null} for a grant that lapses at {@code expiresAt}; else not before
     *                     it and at most {@link #MAX_AUTO_LIFETIME} out
     */
    public IssuedGrant issue(UUID peerId, Set<Permission> scopes, List<String> instanceIds, List<String> networkIds,
                             List<String> sourceCidrs, Instant expiresAt, Instant maxExpiresAt, String issuedBy) {
        if (peerId == null) {
            throw invalid("peer_id is required");
        }
        if (scopes == null || scopes.isEmpty()) {
            throw invalid("permission_scopes must not be empty; give read, write or both (--scopes read,write)");
        }
        EnumSet<Permission> permissions = EnumSet.copyOf(scopes);
        List<String> instances = ids("instance", instanceIds);
        List<String> networks = ids("network", networkIds);
        List<String> cidrs = cidrs(sourceCidrs);
        Instant now = clock.instant();
        Instant expires = checkExpiry(expiresAt, now);
        Instant max = maxExpiresAt == null ? null : checkMaxExpiry(maxExpiresAt, expires, now);
        UUID id = UUID.randomUUID();
        String secret = GrantTokens.newSecret();
        byte[] digest = GrantTokens.digest(secret);
        GrantState state = GrantState.ACTIVE;
        String[] scopeValues = permissions.stream().map(Permission::value).toArray(String[]::new);
        Grant grant = tx.inTransaction(c -> {
            checkPeer(c, peerId);
            rows.save(new GrantRow(id, peerId, state.value(), null, scopeValues, array(instances), array(networks),
                    array(cidrs), digest, expires, issuedBy, null, null, null, null, max != null, max, 0,
                    now.truncatedTo(ChronoUnit.MICROS)));
            // read back for the database's defaults (version and the timestamps)
            return rows.findById(id).orElseThrow().toStored().grant();
        });
        return new IssuedGrant(grant, GrantTokens.format(id, secret));
    }

    public Optional<Grant> find(UUID id) {
        return findStored(id).map(Stored::grant);
    }

    /** Every grant, newest first. */
    public List<Grant> list() {
        return tx.read(c -> grants(rows.findAll(NEWEST_FIRST)));
    }

    /** The grants of one peer, newest first. */
    public List<Grant> listForPeer(UUID peerId) {
        Objects.requireNonNull(peerId, "peerId");
        return tx.read(c -> grants(rows.findByPeerId(peerId, NEWEST_FIRST)));
    }

    Optional<Stored> findStored(UUID id) {
        Objects.requireNonNull(id, "id");
        return tx.read(c -> rows.findById(id).map(GrantRow::toStored));
    }

    private static List<Grant> grants(List<GrantRow> found) {
        return found.stream().map(r -> r.toStored().grant()).toList();
    }

    private static void checkPeer(Connection c, UUID peerId) throws SQLException {
        // hand-written: Data cannot say FOR SHARE, the lock that orders this against a peer revocation
        try (PreparedStatement ps = c.prepareStatement("SELECT name, state FROM peers WHERE id = ? FOR SHARE")) {
            ps.setObject(1, peerId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new EntenteException(ErrorCode.NOT_FOUND, "no peer " + peerId
                            + "; list peers with entente peers list", Map.of("entity", "peer", "id", peerId.toString()));
                }
                if ("revoked".equals(rs.getString("state"))) {
                    throw invalid("peer " + rs.getString("name") + " is revoked; grants can only be issued to a "
                            + "peer that is not revoked");
                }
            }
        }
    }

    static List<String> ids(String what, List<String> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        if (values.size() > MAX_LIST) {
            throw invalid("at most " + MAX_LIST + " " + what + " ids per grant, got " + values.size()
                    + "; an empty list allows any " + what);
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (v == null || !ID.matcher(v).matches()) {
                throw invalid(what + " id '" + v + "' is invalid; use 1-128 characters of letters, digits and . _ : -");
            }
            out.add(v);
        }
        return List.copyOf(out);
    }

    static List<String> cidrs(List<String> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        if (values.size() > MAX_LIST) {
            throw invalid("at most " + MAX_LIST + " source cidrs per grant, got " + values.size()
                    + "; an empty list allows any source");
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String v : values) {
            out.add(Cidr.parse(v).toString());
        }
        return List.copyOf(out);
    }

    /** {@code expiresAt} in microseconds, refused unless after {@code now} and at most {@link #MAX_LIFETIME} out. */
    static Instant checkExpiry(Instant expiresAt, Instant now) {
        if (expiresAt == null) {
            throw invalid("expires_at is required (--expires-in 30d)");
        }
        Instant expires = expiresAt.truncatedTo(ChronoUnit.MICROS);
        if (!expires.isAfter(now)) {
            throw invalid("expires_at " + expires + " is not in the future (now " + now + ")");
        }
        if (expires.isAfter(now.plus(MAX_LIFETIME))) {
            throw invalid("expires_at " + expires + " is more than 365 days out; grants last at most 365d: "
                    + "issue a new one before this one expires");
        }
        return expires;
    }

    /**
     * {@code maxExpiresAt} in microseconds, refused when it comes before {@code expiresAt} or more
     * than {@link #MAX_AUTO_LIFETIME} after {@code now}.
     */
    static Instant checkMaxExpiry(Instant maxExpiresAt, Instant expiresAt, Instant now) {
        Instant max = maxExpiresAt.truncatedTo(ChronoUnit.MICROS);
        if (max.isBefore(expiresAt)) {
            throw invalid("the maximum lifetime ends at " + max + ", before the grant's expiry " + expiresAt
                    + "; give a --max-lifetime at least as long as --expires-in");
        }
        if (max.isAfter(now.plus(MAX_AUTO_LIFETIME))) {
            throw invalid("the maximum lifetime ends at " + max + ", more than 3650d out; auto-renewal lasts at most 3650d");
        }
        return max;
    }

    static String[] array(List<String> values) {
        return values.toArray(String[]::new);
    }

    static EntenteException invalid(String message) {
        return new EntenteException(ErrorCode.INVALID_REQUEST, message);
    }
}
