package dev.entente.controlplane.api.keys;

import dev.entente.client.request.keys.RekeyRequest;
import dev.entente.client.request.keys.RotateKeysRequest;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.hub.HubKeys;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.command.RotateKeys;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

import java.util.List;
import java.util.Map;

/** The hub's keys: where each lives and whether it is current; rotations with stated effects; the vault's rekey. */
@Controller("/api/v1/keys")
public class KeysController {
    private final HubKeys keys;
    private final ApprovalGate approvals;

    public KeysController(HubKeys keys, ApprovalGate approvals) {
        this.keys = keys;
        this.approvals = approvals;
    }

    @Get
    public List<HubKeys.KeyView> list(@Nullable @QueryValue String type) {
        if (type != null && !HubKeys.TYPES.contains(type)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "unknown key type " + type + "; one of "
                    + String.join(", ", HubKeys.TYPES), Map.of("field", "type"));
        }
        return keys.list(type);
    }

    /** Gated by the {@code keys.rotate} approval policy; answers what the rotation invalidated. */
    @Post("/rotate")
    public HttpResponse<?> rotate(HttpRequest<?> request, @Body RotateKeysRequest body) {
        OperatorPrincipal admin = OperatorAuthFilter.principal(request);
        var outcome = approvals.submit(new RotateKeys(body.type()), admin.approvalOperator());
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.ok(outcome.body());
    }

    @Post("/rekey")
    public HubKeys.Rekeyed rekey(HttpRequest<?> request, @Body RekeyRequest body) {
        OperatorPrincipal admin = OperatorAuthFilter.principal(request);
        if (body.newPassphrase() == null) {
            throw new EntenteException(ErrorCode.REKEY_PASSPHRASE_UNUSABLE, "new_passphrase is required",
                    Map.of("field", "new_passphrase"));
        }
        return keys.rekey(body.currentPassphrase() == null ? null : body.currentPassphrase().toCharArray(),
                body.newPassphrase().toCharArray(), admin.subject());
    }
}
