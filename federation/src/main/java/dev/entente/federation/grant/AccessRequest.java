package dev.entente.federation.grant;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;

/**
 * One federation API call as a grant sees it.
 *
 * @param permission what the call needs ({@code read} to list, {@code write} to change)
 * @param instanceId the {@code Federation-Instance-Id} header; {@code null} (or blank) when absent
 * @param networkId  the {@code Federation-Network-Id} header; {@code null} (or blank) when absent
 * @param sourceIp   the connection's source address (IPv4, IPv6 or IPv4-mapped IPv6); {@code null}
 *                   when unknown (then only a grant without CIDRs applies)
 * @param now        the time of the call; {@code null} for the authorizer's clock
 */
public record AccessRequest(Permission permission, String instanceId, String networkId, InetAddress sourceIp,
                            Instant now) {

    public AccessRequest {
        Objects.requireNonNull(permission, "permission");
        // A header sent empty is a header not sent: neither names an instance.
        instanceId = instanceId == null || instanceId.isBlank() ? null : instanceId;
        networkId = networkId == null || networkId.isBlank() ? null : networkId;
    }

    /** This request at {@code at}. */
    public AccessRequest at(Instant at) {
        return new AccessRequest(permission, instanceId, networkId, sourceIp, at);
    }
}
