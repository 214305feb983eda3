package dev.entente.controlplane.api.remote;

import dev.entente.client.request.remote.RemoteResourcesRequest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.client.request.Bodies;
import dev.entente.controlplane.api.federation.FederationResourcesController;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.federation.peer.Peer;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /api/v1/remote/resources}: this hub calls a peer's federation API with its node
 * certificate for that peer and a grant token the peer issued, and relays the answer. A refusal
 * by the peer comes back with the peer's own code (e.g. {@code grant_scope_mismatch}).
 */
@Controller("/api/v1/remote")
public class RemoteController {
    private final FederationService federation;

    public RemoteController(FederationService federation) {
        this.federation = federation;
    }

    @Post("/resources")
    public JsonNode resources(@Nullable @Body RemoteResourcesRequest body) {
        RemoteResourcesRequest call = Objects.requireNonNullElse(body, RemoteResourcesRequest.EMPTY);
        Peer peer = federation.peer(Bodies.required("peer", call.peer()));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + Bodies.required("grant", call.grant()));
        String instance = call.instance();
        String network = call.network();
        if (instance != null) {
            headers.put(FederationResourcesController.INSTANCE_HEADER, instance);
        }
        if (network != null) {
            headers.put(FederationResourcesController.NETWORK_HEADER, network);
        }
        try {
            return federation.clientFor(peer).get("federation/v1/resources", headers);
        } catch (EntenteException e) {
            Object remote = e.extensions().get("remote_code");
            if (remote != null) {
                ErrorCode code = ErrorCode.byCode(remote.toString()).orElse(ErrorCode.HANDSHAKE_REJECTED);
                throw new EntenteException(code, "peer " + peer.name() + " refused: " + e.detail(), e.extensions());
            }
            throw e;
        }
    }
}
