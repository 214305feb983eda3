package dev.entente.client.request.grant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

import java.util.List;

/**
 * {@code POST /api/v1/grants}: issue a grant to a peer.
 *
 * @param peer      the peer, by id or name (required unless {@code peer_id} names it)
 * @param peerId    the peer as the grant command names it, accepted when {@code peer} is absent
 * @param scopes    {@code read} and/or {@code write}
 * @param instances allowed instances (empty: any)
 * @param networks  allowed networks (empty: any)
 * @param cidrs     allowed source CIDRs (empty: any)
 * @param expiresIn lifetime; null for the default
 * @param autoRenew   whether the worker extends it while the peer is active; null for no
 * @param maxLifetime how far renewals may extend it; null for the default
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GrantRequest(@JsonProperty("peer") @JsonDeserialize(using = Bodies.RequiredText.class) String peer,
                           @JsonProperty("peer_id") @JsonDeserialize(using = Bodies.RequiredText.class) String peerId,
                           @JsonProperty("scopes") @JsonDeserialize(using = Bodies.Strings.class) List<String> scopes,
                           @JsonProperty("instances") @JsonDeserialize(using = Bodies.Strings.class) List<String> instances,
                           @JsonProperty("networks") @JsonDeserialize(using = Bodies.Strings.class) List<String> networks,
                           @JsonProperty("cidrs") @JsonDeserialize(using = Bodies.Strings.class) List<String> cidrs,
                           @JsonProperty("expires_in") @JsonDeserialize(using = Bodies.Text.class) String expiresIn,
                           @JsonProperty("auto_renew") @JsonDeserialize(using = Bodies.Bool.class) Boolean autoRenew,
                           @JsonProperty("max_lifetime") @JsonDeserialize(using = Bodies.Text.class) String maxLifetime) {
    /** What an absent body reads as. */
    public static final GrantRequest EMPTY = new GrantRequest(null, null, null, null, null, null, null, null, null);

    /** The peer the grant is for, as the request names it: {@code peer}, else {@code peer_id}. */
    public String namedPeer() {
        return peer == null && peerId != null ? peerId : Bodies.required("peer", peer);
    }
}
