package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.grant.Permission;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.federation.peer.Durations;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code grants issue}: a grant to a peer and its bearer token. A grant with the write scope is
 * {@code grant.issue.write}, the one a policy can put under the two-person rule; a read-only
 * grant is {@code grant.issue.read}.
 *
 * @param peerId    the peer's id
 * @param scopes    {@code read} and/or {@code write}
 * @param instances allowed instances (empty: any)
 * @param networks  allowed networks (empty: any)
 * @param cidrs     allowed source CIDRs (empty: any)
 * @param expiresIn lifetime, counted from when the grant is issued (default 30d)
 * @param autoRenew   whether the worker extends it at two thirds of each term while the peer is
 *                    active; implied by {@code maxLifetime}
 * @param maxLifetime how far from its issue renewals may extend it (default 365d when auto-renewing);
 *                    both stay out of the JSON when unset, so a plain grant's stored arguments keep
 *                    the shape earlier versions stored
 */
public record IssueGrant(@JsonProperty("peer_id") String peerId, List<String> scopes, List<String> instances,
                         List<String> networks, List<String> cidrs, @JsonProperty("expires_in") String expiresIn,
                         @JsonProperty("auto_renew") @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean autoRenew,
                         @JsonProperty("max_lifetime") @JsonInclude(JsonInclude.Include.NON_NULL) String maxLifetime)
        implements OperatorCommand {
    public static final String WRITE_ACTION = "grant.issue.write";
    public static final String READ_ACTION = "grant.issue.read";
    private static final Duration DEFAULT_TTL = Duration.ofDays(30);

    @JsonCreator
    public IssueGrant {
        Fields.required("peer_id", peerId);
        scopes = Fields.strings(scopes);
        permissions(scopes);
        instances = Fields.strings(instances);
        networks = Fields.strings(networks);
        cidrs = Fields.strings(cidrs);
        expiresIn = Durations.format(expiresIn == null ? DEFAULT_TTL
                : Durations.parse("expires_in", expiresIn, GrantRepository.MAX_LIFETIME));
        autoRenew = autoRenew || maxLifetime != null;
        maxLifetime = autoRenew ? maxLifetime(maxLifetime) : null;
    }

    /** A grant that lapses at the end of its term. */
    public IssueGrant(String peerId, List<String> scopes, List<String> instances, List<String> networks,
                      List<String> cidrs, String expiresIn) {
        this(peerId, scopes, instances, networks, cidrs, expiresIn, false, null);
    }

    /** An auto-renewing grant's maximum lifetime as given, or the default, in its shortest form. */
    static String maxLifetime(String given) {
        return Durations.format(given == null ? GrantRepository.DEFAULT_AUTO_LIFETIME
                : Durations.parse("max_lifetime", given, GrantRepository.MAX_AUTO_LIFETIME));
    }

    /** How far from its issue renewals may extend the grant; {@code null} when it does not auto-renew. */
    public Duration maxLifetimeDuration() {
        return maxLifetime == null ? null : Durations.parse(maxLifetime);
    }

    /** The scopes as permissions. */
    public Set<Permission> permissions() {
        return permissions(scopes);
    }

    public Duration lifetime() {
        return Durations.parse(expiresIn);
    }

    /** A scope or permission name: {@code read} or {@code write}. */
    public static Permission permission(String name) {
        return switch (name) {
            case "read" -> Permission.READ;
            case "write" -> Permission.WRITE;
            default -> throw new EntenteException(ErrorCode.INVALID_REQUEST, "scopes are read and write, not " + name);
        };
    }

    private static Set<Permission> permissions(List<String> names) {
        Set<Permission> out = EnumSet.noneOf(Permission.class);
        for (String n : names) {
            out.add(permission(n));
        }
        return out;
    }

    @Override
    public String action() {
        return scopes.contains("write") ? WRITE_ACTION : READ_ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.issueGrant(this);
    }
}
