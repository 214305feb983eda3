package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.federation.grant.GrantChange;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.grant.Permission;
import dev.entente.federation.peer.Durations;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code grants update ID}: change an active grant in place; its id and bearer token stay. A field
 * left out ({@code null}) stays as it is; an empty list lifts that restriction.
 *
 * <p>An update naming the write scope is judged by the {@code grant.issue.write} policy, as
 * issuing a write grant is: under the two-person rule it waits for a second operator, whether or
 * not the grant held write before (the approver sees the scopes the grant will have).
 *
 * @param grantId     the grant's id
 * @param scopes      the new scopes, {@code read} and/or {@code write}
 * @param instances   the new instance allow-list
 * @param networks    the new network allow-list
 * @param cidrs       the new source CIDRs
 * @param expiresIn   a new term from the update
 * @param autoRenew   turn auto-renewal on or off
 * @param maxLifetime how far from the update renewals may extend it (turns auto-renewal on)
 */
public record UpdateGrant(@JsonProperty("grant_id") String grantId, List<String> scopes, List<String> instances,
                          List<String> networks, List<String> cidrs, @JsonProperty("expires_in") String expiresIn,
                          @JsonProperty("auto_renew") Boolean autoRenew,
                          @JsonProperty("max_lifetime") String maxLifetime) implements OperatorCommand {
    /** Its action when it leaves write out; one naming write is {@link #WRITE_ACTION}. */
    public static final String ACTION = "grant.update";
    /** An update naming the write scope: a policy of {@link IssueGrant#WRITE_ACTION} applies to it. */
    public static final String WRITE_ACTION = "grant.update.write";

    public UpdateGrant {
        Fields.required("grant_id", grantId);
        scopes = scopes == null ? null : List.copyOf(scopes);
        instances = instances == null ? null : List.copyOf(instances);
        networks = networks == null ? null : List.copyOf(networks);
        cidrs = cidrs == null ? null : List.copyOf(cidrs);
        expiresIn = expiresIn == null ? null
                : Durations.format(Durations.parse("expires_in", expiresIn, GrantRepository.MAX_LIFETIME));
        maxLifetime = maxLifetime == null ? null : IssueGrant.maxLifetime(maxLifetime);
        // Checked here, once: a compact constructor's fields are assigned only after its body.
        change(scopes, instances, networks, cidrs, expiresIn, autoRenew, maxLifetime);
    }

    /** The change to make: scopes, ids and CIDRs valid, and at least one field given. */
    public GrantChange change() {
        return change(scopes, instances, networks, cidrs, expiresIn, autoRenew, maxLifetime);
    }

    private static GrantChange change(List<String> scopes, List<String> instances, List<String> networks,
                                      List<String> cidrs, String expiresIn, Boolean autoRenew, String maxLifetime) {
        Set<Permission> permissions = null;
        if (scopes != null) {
            permissions = EnumSet.noneOf(Permission.class);
            for (String s : scopes) {
                permissions.add(IssueGrant.permission(s));
            }
        }
        return new GrantChange(permissions, instances, networks, cidrs, duration(expiresIn), autoRenew,
                duration(maxLifetime));
    }

    private static Duration duration(String text) {
        return text == null ? null : Durations.parse(text);
    }

    @Override
    public String action() {
        return scopes != null && scopes.contains("write") ? WRITE_ACTION : ACTION;
    }

    @Override
    public String policy() {
        return scopes != null && scopes.contains("write") ? IssueGrant.WRITE_ACTION : action();
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.updateGrant(this);
    }
}
