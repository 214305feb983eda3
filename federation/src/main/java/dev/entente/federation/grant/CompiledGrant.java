package dev.entente.federation.grant;

import dev.entente.lifecycle.error.ErrorCode;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A grant prepared for deciding many calls fast: the scopes as a bit mask, the instance and network
 * allow-lists as hash sets, the CIDRs as integers and masks (IPv4 as {@code int} network + mask,
 * IPv6 as two {@code long}s of network + two of mask), the expiry as epoch nanoseconds. Deciding
 * allocates nothing but the source address's byte array, takes no lock and never touches the
 * database. Immutable and thread-safe.
 *
 * <p>{@link #decideFast} gives the verdict as an {@code int} ({@link #APPLIES} or the first failing
 * check, in the federation API's order: state, expiry, permission, instance, network, source);
 * the per-dimension methods let {@link GrantAuthorizer} explain each check.
 */
public final class CompiledGrant {
    /** The grant applies. */
    public static final int APPLIES = 0;
    /** Refused: the grant is revoked. */
    public static final int REVOKED = 1;
    // 2 was "waits for approval": grants have no such state since V14.
    /** Refused: the grant is expired, by state or because {@code now >= expires_at}. */
    public static final int EXPIRED = 3;
    /** Refused: the grant lacks the permission. */
    public static final int PERMISSION_INSUFFICIENT = 4;
    /** Refused: the instance is not in the grant's instance list (or none was given). */
    public static final int INSTANCE_MISMATCH = 5;
    /** Refused: the network is not in the grant's network list (or none was given). */
    public static final int NETWORK_MISMATCH = 6;
    /** Refused: the source address is not in the grant's CIDRs (or none is known). */
    public static final int SOURCE_MISMATCH = 7;
    /** Refused: no such grant ({@link GrantMatcher} only). */
    public static final int UNKNOWN = 8;

    private final Grant grant;
    private final GrantState state;
    private final int scopeMask;
    private final Set<String> instances; // null: any
    private final Set<String> networks;  // null: any
    private final boolean anySource;
    private final int[] v4Net;
    private final int[] v4Mask;
    private final long[] v6NetHi;
    private final long[] v6NetLo;
    private final long[] v6MaskHi;
    private final long[] v6MaskLo;
    private final long expiresAtNanos;

    private CompiledGrant(Grant grant, GrantState state, CompiledGrant from) {
        this.grant = grant;
        this.state = state;
        this.scopeMask = from.scopeMask;
        this.instances = from.instances;
        this.networks = from.networks;
        this.anySource = from.anySource;
        this.v4Net = from.v4Net;
        this.v4Mask = from.v4Mask;
        this.v6NetHi = from.v6NetHi;
        this.v6NetLo = from.v6NetLo;
        this.v6MaskHi = from.v6MaskHi;
        this.v6MaskLo = from.v6MaskLo;
        this.expiresAtNanos = from.expiresAtNanos;
    }

    private CompiledGrant(Grant grant) {
        this.grant = grant;
        this.state = grant.state();
        int mask = 0;
        for (Permission p : grant.permissionScopes()) {
            mask |= p.bit();
        }
        this.scopeMask = mask;
        this.instances = grant.instanceIds().isEmpty() ? null : Set.copyOf(new HashSet<>(grant.instanceIds()));
        this.networks = grant.networkIds().isEmpty() ? null : Set.copyOf(new HashSet<>(grant.networkIds()));
        List<String> cidrs = grant.sourceCidrs();
        this.anySource = cidrs.isEmpty();
        int v4 = 0;
        int v6 = 0;
        Cidr[] parsed = new Cidr[cidrs.size()];
        for (int i = 0; i < parsed.length; i++) {
            parsed[i] = Cidr.parse(cidrs.get(i));
            if (parsed[i].ipv6()) {
                v6++;
            } else {
                v4++;
            }
        }
        v4Net = new int[v4];
        v4Mask = new int[v4];
        v6NetHi = new long[v6];
        v6NetLo = new long[v6];
        v6MaskHi = new long[v6];
        v6MaskLo = new long[v6];
        int a = 0;
        int b = 0;
        for (Cidr c : parsed) {
            if (c.ipv6()) {
                v6NetHi[b] = c.hi();
                v6NetLo[b] = c.lo();
                v6MaskHi[b] = Cidr.maskHi(c.prefix());
                v6MaskLo[b] = Cidr.maskLo(c.prefix());
                b++;
            } else {
                v4Net[a] = (int) c.lo();
                v4Mask[a] = Cidr.mask4(c.prefix());
                a++;
            }
        }
        this.expiresAtNanos = epochNanos(grant.expiresAt());
    }

    /** Compiles {@code grant} (its CIDRs were validated at issuance; a bad one throws {@code invalid_request}). */
    public static CompiledGrant of(Grant grant) {
        return new CompiledGrant(Objects.requireNonNull(grant, "grant"));
    }

    /** The same compiled scopes for {@code current}, a later copy of the same grant (a new state); shares the arrays. */
    CompiledGrant withState(Grant current) {
        return new CompiledGrant(current, current.state(), this);
    }

    /** Whether this was compiled from a grant with the same immutable fields as {@code other}. */
    boolean sameScopes(Grant other) {
        return grant.id().equals(other.id()) && grant.expiresAt().equals(other.expiresAt())
                && grant.permissionScopes().equals(other.permissionScopes())
                && grant.instanceIds().equals(other.instanceIds()) && grant.networkIds().equals(other.networkIds())
                && grant.sourceCidrs().equals(other.sourceCidrs());
    }

    public UUID id() {
        return grant.id();
    }

    /** The grant this was compiled from. */
    public Grant grant() {
        return grant;
    }

    public GrantState state() {
        return state;
    }

    /**
     * The verdict for one call, in the federation API's order of checks: state (revoked,
     * expired state), expiry ({@code nowNanos >= expires_at}), permission, instance, network,
     * source. {@link #APPLIES} or the first failing check's constant.
     *
     * @param permissionBit {@link Permission#bit()} of what the call needs
     * @param instanceId    the {@code Federation-Instance-Id} header, or {@code null}
     * @param networkId     the {@code Federation-Network-Id} header, or {@code null}
     * @param source        the connection's source address, or {@code null} when unknown
     * @param nowNanos      the time of the call, {@link #epochNanos(Instant)}
     */
    public int decideFast(int permissionBit, String instanceId, String networkId, InetAddress source, long nowNanos) {
        // No default: a new state fails to compile here until someone decides what it means.
        int byState = switch (state) {
            case ACTIVE -> APPLIES;
            case REVOKED -> CompiledGrant.REVOKED;
            case EXPIRED -> CompiledGrant.EXPIRED;
        };
        if (byState != APPLIES) {
            return byState;
        }
        if (expiredAt(nowNanos)) {
            return EXPIRED;
        }
        if (!allowsPermission(permissionBit)) {
            return PERMISSION_INSUFFICIENT;
        }
        if (!allowsInstance(instanceId)) {
            return INSTANCE_MISMATCH;
        }
        if (!allowsNetwork(networkId)) {
            return NETWORK_MISMATCH;
        }
        if (!allowsSource(source)) {
            return SOURCE_MISMATCH;
        }
        return APPLIES;
    }

    /** {@link #decideFast} {@code == APPLIES}. */
    public boolean matches(int permissionBit, String instanceId, String networkId, InetAddress source, long nowNanos) {
        return decideFast(permissionBit, instanceId, networkId, source, nowNanos) == APPLIES;
    }

    /** Whether the expiry is reached at {@code nowNanos} (inclusive: {@code now >= expires_at}). */
    public boolean expiredAt(long nowNanos) {
        return nowNanos >= expiresAtNanos;
    }

    public boolean allowsPermission(int permissionBit) {
        return (scopeMask & permissionBit) == permissionBit && permissionBit != 0;
    }

    /** Any instance when the list is empty; otherwise the instance must be given and listed. */
    public boolean allowsInstance(String instanceId) {
        return instances == null || (instanceId != null && instances.contains(instanceId));
    }

    /** Any network when the list is empty; otherwise the network must be given and listed. */
    public boolean allowsNetwork(String networkId) {
        return networks == null || (networkId != null && networks.contains(networkId));
    }

    /**
     * Any source when there are no CIDRs; otherwise the source must be known and inside one of
     * them, IPv4 (and IPv4-mapped IPv6) against IPv4 CIDRs, IPv6 against IPv6 CIDRs.
     */
    public boolean allowsSource(InetAddress source) {
        if (anySource) {
            return true;
        }
        if (source == null) {
            return false;
        }
        byte[] b = source.getAddress();
        if (b.length == 4) {
            return allowsV4(Cidr.toInt(b));
        }
        if (Cidr.isMapped(b)) {
            // ::ffff:a.b.c.d: an IPv4 client on a dual-stack socket
            return allowsV4((b[12] & 0xff) << 24 | (b[13] & 0xff) << 16 | (b[14] & 0xff) << 8 | (b[15] & 0xff));
        }
        long hi = Cidr.toLong(b, 0);
        long lo = Cidr.toLong(b, 8);
        for (int i = 0; i < v6NetHi.length; i++) {
            if ((hi & v6MaskHi[i]) == v6NetHi[i] && (lo & v6MaskLo[i]) == v6NetLo[i]) {
                return true;
            }
        }
        return false;
    }

    private boolean allowsV4(int address) {
        for (int i = 0; i < v4Net.length; i++) {
            if ((address & v4Mask[i]) == v4Net[i]) {
                return true;
            }
        }
        return false;
    }

    /** The error code a {@link #decideFast} verdict stands for; {@code null} for {@link #APPLIES}. */
    public static ErrorCode errorCode(int verdict) {
        return switch (verdict) {
            case APPLIES -> null;
            case REVOKED -> ErrorCode.GRANT_REVOKED;
            case EXPIRED -> ErrorCode.GRANT_EXPIRED;
            case PERMISSION_INSUFFICIENT -> ErrorCode.GRANT_PERMISSION_INSUFFICIENT;
            case INSTANCE_MISMATCH, NETWORK_MISMATCH, SOURCE_MISMATCH -> ErrorCode.GRANT_SCOPE_MISMATCH;
            case UNKNOWN -> ErrorCode.GRANT_UNKNOWN;
            default -> throw new IllegalArgumentException("unknown verdict " + verdict);
        };
    }

    /** {@code at} as nanoseconds since the epoch, saturating (far-future instants compare as the latest). */
    public static long epochNanos(Instant at) {
        long seconds = at.getEpochSecond();
        if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE;
        }
        return seconds * 1_000_000_000L + at.getNano();
    }
}
