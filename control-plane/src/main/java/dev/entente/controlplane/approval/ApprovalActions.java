package dev.entente.controlplane.approval;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.rotation.RotationState;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.hub.Durations;
import dev.entente.controlplane.security.OperatorTokenMint;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.tls.HubTls;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.grant.IssuedGrant;
import dev.entente.federation.grant.Permission;
import dev.entente.federation.handshake.AcceptanceTokens;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerState;
import dev.entente.lifecycle.approval.Approval;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleState;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What each gated action does. Arguments are plain JSON values (they are stored while pending),
 * checked again at execution: the world may have moved while the request waited.
 *
 * <p>Every action but {@code peer.accept} touches only this hub's database, so the gate runs it
 * and the approval's {@code approved → executed} in one transaction. {@code peer.accept} calls the
 * proposing hub over HTTPS: it is a {@link ApprovalGate.RemoteAction}, run outside that
 * transaction, and a retry after a stop first looks for the link an earlier run made.
 */
public final class ApprovalActions {
    private ApprovalActions() {
    }

    /** Registers every action with {@code gate}. */
    public static ApprovalGate register(ApprovalGate gate, FederationService federation, RotationLifecycle rotation,
                                       GrantRepository grants, OperatorTokens tokens, HubTls tls, Tx tx, AuditLog audit,
                                       Clock clock) {
        gate.register("peer.propose", (args, requester) -> {
            Duration ttl = Durations.parse((String) args.get("ttl"));
            FederationService.Proposal p = federation.propose((String) args.get("name"), ttl, requester);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("peer", p.peer().toMap());
            out.put("acceptance_token", p.acceptanceToken());
            return out;
        });
        gate.register("peer.accept", new ApprovalGate.RemoteAction() {
            @Override
            public Map<String, Object> execute(Map<String, Object> args, String requester) {
                return Map.of("peer", federation.accept((String) args.get("token"), (String) args.get("name"),
                        requester).toMap());
            }

            // The proposer consumes a token once, so a second accept would be refused: a link to
            // the token's hub made since the approval is this request's, done before a stop.
            @Override
            public Optional<Map<String, Object>> alreadyDone(Map<String, Object> args, Approval approval) {
                String issuer;
                try {
                    issuer = AcceptanceTokens.read((String) args.get("token")).issuer();
                } catch (RuntimeException e) {
                    return Optional.empty();
                }
                return federation.peers().findByHubId(issuer)
                        .filter(p -> p.state() != PeerState.REVOKED && !p.createdAt().isBefore(approval.updatedAt()))
                        .map(p -> Map.of("peer", p.toMap()));
            }
        });
        gate.register("peer.revoke", (args, requester) -> {
            UUID id = UUID.fromString((String) args.get("peer_id"));
            federation.lifecycle().revoke(id, requester, (String) args.get("reason"));
            return Map.of("peer", peer(federation, id).toMap());
        });
        gate.register("grant.issue.write", (args, requester) -> issueGrant(federation, grants, tx, audit, clock, args, requester));
        gate.register(ApprovalGate.TOKEN_ISSUE, (args, requester) -> OperatorTokenMint.mint(tokens, tx, audit, args, requester));
        gate.register("ca.rotate", (args, requester) -> {
            String move = (String) args.get("move");
            boolean force = Boolean.TRUE.equals(args.get("force"));
            // The phase the requester saw is re-checked now: an approval that waited while the
            // rotation moved on must not move it a second step.
            RotationState expected = expectedPhase(args);
            switch (move) {
                case "start" -> rotation.startRotation(requester);
                case "advance" -> rotation.advance(requester, expected, force);
                case "rollback" -> rotation.rollBack(requester, expected);
                default -> throw new EntenteException(ErrorCode.NOT_FOUND, "no rotation move " + move + "; use start, advance or rollback");
            }
            // The TLS state is in memory: it takes up the new keys once they are committed.
            tx.afterCommit(tls::refresh);
            return Map.of("ca", List.of(rotation.status().toMap()));
        });
        return gate;
    }

    /** Issues a grant from stored arguments; the lifetime counts from now, not from the request. */
    public static Map<String, Object> issueGrant(FederationService federation, GrantRepository grants, Tx tx, AuditLog audit,
                                                 Clock clock, Map<String, Object> args, String issuer) {
        UUID peerId = UUID.fromString((String) args.get("peer_id"));
        peer(federation, peerId);
        Set<Permission> scopes = EnumSet.noneOf(Permission.class);
        for (Object s : (List<?>) args.get("scopes")) {
            scopes.add("write".equals(s) ? Permission.WRITE : Permission.READ);
        }
        Duration ttl = Durations.parse((String) args.get("expires_in"));
        IssuedGrant issued = grants.issue(peerId, scopes, strings(args.get("instances")), strings(args.get("networks")),
                strings(args.get("cidrs")), clock.instant().plus(ttl), issuer);
        tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.GRANT_ISSUED, issuer,
                issued.grant().id().toString(), issued.grant().toMap())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("grant", issued.grant().toMap());
        out.put("bearer_token", issued.bearerToken());
        return out;
    }

    private static RotationState expectedPhase(Map<String, Object> args) {
        Object phase = args.get("expected_phase");
        if (!(phase instanceof String p)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "this rotation request names no expected phase "
                    + "(it predates them); request the move again with 'entente ca rotate " + args.get("move") + "'");
        }
        return LifecycleState.fromValue(RotationState.class, p);
    }

    private static Peer peer(FederationService federation, UUID id) {
        return federation.peers().find(id).orElseThrow(() -> new EntenteException(ErrorCode.NOT_FOUND, "no peer " + id));
    }

    private static List<String> strings(Object v) {
        return v == null ? List.of() : ((List<?>) v).stream().map(String::valueOf).toList();
    }
}
