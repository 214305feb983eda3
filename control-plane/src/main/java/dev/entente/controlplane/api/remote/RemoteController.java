package dev.entente.controlplane.api.remote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.api.federation.FederationResourcesController;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.controlplane.security.Permission;
import dev.entente.federation.peer.Peer;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /api/v1/remote/resources}: this hub calls a peer's federation API with its node
 * certificate for that peer and a grant token the peer issued, and relays the answer. A refusal
 * by the peer comes back with the peer's own code (e.g. {@code grant_scope_mismatch}).
 */
@Controller("/api/v1/remote")
public class RemoteController {
    private final HubRuntime hub;

    public RemoteController(HubRuntime hub) {
        this.hub = hub;
    }

    @Post("/resources")
    public JsonNode resources(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        Peer peer = peer(string(body, "peer", true));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + string(body, "grant", true));
        String instance = string(body, "instance", false);
        String network = string(body, "network", false);
        if (instance != null) {
            headers.put(FederationResourcesController.INSTANCE_HEADER, instance);
        }
        if (network != null) {
            headers.put(FederationResourcesController.NETWORK_HEADER, network);
        }
        try {
            return hub.federation().clientFor(peer).get("federation/v1/resources", headers);
        } catch (EntenteException e) {
            Object remote = e.extensions().get("remote_code");
            if (remote != null) {
                ErrorCode code = ErrorCode.byCode(remote.toString()).orElse(ErrorCode.HANDSHAKE_REJECTED);
                throw new EntenteException(code, "peer " + peer.name() + " refused: " + e.detail(), e.extensions());
            }
            throw e;
        }
    }

    private Peer peer(String idOrName) {
        try {
            return hub.federation().peers().find(UUID.fromString(idOrName)).orElseThrow(() -> noPeer(idOrName));
        } catch (IllegalArgumentException e) {
            return hub.federation().peers().findByName(idOrName).orElseThrow(() -> noPeer(idOrName));
        }
    }

    private static EntenteException noPeer(String id) {
        return new EntenteException(ErrorCode.NOT_FOUND, "no peer " + id + "; 'entente peers list' shows ids and names");
    }

    private static String string(Map<String, Object> body, String key, boolean required) {
        Object v = body == null ? null : body.get(key);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, key + " is required and must be a string");
        }
        return s;
    }
}
