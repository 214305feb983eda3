package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.MapFormat;

import java.util.Map;

/**
 * The two-person rule. The policies here are each action's default: {@code entente approvals
 * policy set} overrides one on every replica while the hub runs, for good or for a while.
 *
 * @param timeout how long a pending approval waits for its second operator before it expires
 * @param policy  per action ({@code entente.approvals.policy.peer.revoke}, environment form
 *                {@code ENTENTE_APPROVALS_POLICY_PEER_REVOKE}): {@code auto} runs it at once,
 *                {@code require_approval} waits for a second operator; unset actions are {@code auto}
 */
@ConfigurationProperties("entente.approvals")
public record ApprovalsConfiguration(@Bindable(defaultValue = "4h") String timeout,
                              @Nullable @MapFormat(transformation = MapFormat.MapTransformation.FLAT)
                              Map<String, String> policy) {
}
