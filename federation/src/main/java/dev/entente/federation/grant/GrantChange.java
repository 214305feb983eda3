package dev.entente.federation.grant;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code grants update} changes in an active grant, checked when it is made; {@code null}
 * leaves a field as it is. An empty list lifts that restriction (any instance, network or source),
 * as it does at issuance.
 *
 * @param scopes      the new permission scopes (non-empty)
 * @param instanceIds the new instance allow-list
 * @param networkIds  the new network allow-list
 * @param sourceCidrs the new source CIDRs, stored canonical
 * @param expiresIn   a new term, counted from the update (at most {@link GrantRepository#MAX_LIFETIME})
 * @param autoRenew   turn auto-renewal on or off
 * @param maxLifetime how far from the update renewals may extend it (turns auto-renewal on)
 */
public record GrantChange(Set<Permission> scopes, List<String> instanceIds, List<String> networkIds,
                          List<String> sourceCidrs, Duration expiresIn, Boolean autoRenew, Duration maxLifetime) {

    public GrantChange {
        if (scopes != null) {
            if (scopes.isEmpty()) {
                throw GrantRepository.invalid("scopes must not be empty; give read, write or both (--scopes read,write)");
            }
            scopes = Collections.unmodifiableSet(EnumSet.copyOf(scopes));
        }
        instanceIds = instanceIds == null ? null : GrantRepository.ids("instance", instanceIds);
        networkIds = networkIds == null ? null : GrantRepository.ids("network", networkIds);
        sourceCidrs = sourceCidrs == null ? null : GrantRepository.cidrs(sourceCidrs);
        if (maxLifetime != null && Boolean.FALSE.equals(autoRenew)) {
            throw GrantRepository.invalid("--max-lifetime bounds auto-renewal; it cannot go with --auto-renew false");
        }
        if (scopes == null && instanceIds == null && networkIds == null && sourceCidrs == null && expiresIn == null
                && autoRenew == null && maxLifetime == null) {
            throw GrantRepository.invalid("nothing to update; give at least one of --scopes, --instances, --networks, "
                    + "--cidrs, --expires-in, --auto-renew or --max-lifetime");
        }
    }

    /** Whether the grant auto-renews after this change, given whether it did before. */
    boolean autoRenewsAfter(boolean before) {
        return autoRenew != null ? autoRenew : before || maxLifetime != null;
    }
}
