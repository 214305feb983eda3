package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DatabindContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.jsontype.impl.TypeIdResolverBase;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.Map;

/**
 * The JSON type ids of commands: each command's {@link OperatorCommand#action()}. A grant's id
 * depends on its scopes ({@code grant.issue.read} or {@code .write}), which Jackson's fixed
 * per-class names cannot say; both ids read as the one grant command.
 */
final class CommandTypes extends TypeIdResolverBase {
    private static final Map<String, Class<? extends OperatorCommand>> TYPES = Map.ofEntries(
            Map.entry(ProposePeer.ACTION, ProposePeer.class),
            Map.entry(AcceptPeer.ACTION, AcceptPeer.class),
            Map.entry(NewAcceptanceToken.ACTION, NewAcceptanceToken.class),
            Map.entry(SuspendPeer.ACTION, SuspendPeer.class),
            Map.entry(ResumePeer.ACTION, ResumePeer.class),
            Map.entry(RevokePeer.ACTION, RevokePeer.class),
            Map.entry(RepinPeer.ACTION, RepinPeer.class),
            Map.entry(SetPeerUrl.ACTION, SetPeerUrl.class),
            Map.entry(IssueGrant.WRITE_ACTION, IssueGrant.class),
            Map.entry(IssueGrant.READ_ACTION, IssueGrant.class),
            Map.entry(RevokeGrant.ACTION, RevokeGrant.class),
            Map.entry(UpdateGrant.ACTION, UpdateGrant.class),
            Map.entry(UpdateGrant.WRITE_ACTION, UpdateGrant.class),
            Map.entry(RenewGrant.ACTION, RenewGrant.class),
            Map.entry(RotateCa.ACTION, RotateCa.class),
            Map.entry(IssueOperatorToken.ACTION, IssueOperatorToken.class),
            Map.entry(PutResource.ACTION, PutResource.class),
            Map.entry(DeleteResource.ACTION, DeleteResource.class),
            Map.entry(RotateTls.ACTION, RotateTls.class),
            Map.entry(RotateAuditKey.ACTION, RotateAuditKey.class),
            Map.entry(RotateKeys.ACTION, RotateKeys.class),
            Map.entry(NewReenrolmentToken.ACTION, NewReenrolmentToken.class),
            Map.entry(ReenrolPeer.ACTION, ReenrolPeer.class),
            Map.entry(SetApprovalPolicy.ACTION, SetApprovalPolicy.class));

    @Override
    public String idFromValue(Object value) {
        return ((OperatorCommand) value).action();
    }

    @Override
    public String idFromValueAndType(Object value, Class<?> suggestedType) {
        return idFromValue(value);
    }

    @Override
    public JavaType typeFromId(DatabindContext context, String id) {
        Class<? extends OperatorCommand> type = TYPES.get(id);
        if (type == null) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "no operator action " + id);
        }
        return context.constructType(type);
    }

    @Override
    public JsonTypeInfo.Id getMechanism() {
        return JsonTypeInfo.Id.CUSTOM;
    }
}
