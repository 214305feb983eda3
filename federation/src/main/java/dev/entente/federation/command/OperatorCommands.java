package dev.entente.federation.command;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.federation.approval.ApprovalPolicies;
import dev.entente.federation.grant.Grant;
import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.grant.IssuedGrant;
import dev.entente.federation.handshake.AcceptanceTokens;
import dev.entente.federation.handshake.HandshakeAccepter;
import dev.entente.federation.handshake.HandshakeProposer;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.renewal.Laggards;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerState;
import dev.entente.federation.reenrol.Reenrolment;
import dev.entente.federation.resource.Resource;
import dev.entente.federation.resource.ResourceRepository;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs operator commands against the domain, as the operator who asked. Every value was checked
 * when the command was made; what depends on the world (the peer still exists, the rotation is
 * still in the phase the operator saw) is checked here, when it runs, since an approved command
 * may have waited hours. Each command answers its {@link CommandResult}: the admin API's response
 * body, and what an approval stores once the command ran.
 */
public final class OperatorCommands {
    private final HandshakeProposer proposer;
    private final HandshakeAccepter accepter;
    private final Reenrolment reenrolment;
    private final PeerRepository peers;
    private final PeerLifecycle peerLifecycle;
    private final GrantRepository grants;
    private final GrantLifecycle grantLifecycle;
    private final RotationLifecycle rotation;
    private final Laggards laggards;
    private final ResourceRepository resources;
    private final AuditLog audit;
    private final Tx tx;
    private final Clock clock;
    private final Duration acceptanceTtl;
    private final CommandShell shell;
    private final ApprovalPolicies policies;

    /**
     * @param acceptanceTtl an acceptance token's lifetime when the command names none
     *                      ({@code entente.tokens.acceptance-ttl})
     * @param policies      the approval policies {@code approvals policy set} changes
     */
    public OperatorCommands(HandshakeProposer proposer, HandshakeAccepter accepter, Reenrolment reenrolment, PeerRepository peers,
                            PeerLifecycle peerLifecycle, GrantRepository grants, GrantLifecycle grantLifecycle,
                            RotationLifecycle rotation, Laggards laggards, ResourceRepository resources, AuditLog audit,
                            Tx tx, Clock clock, Duration acceptanceTtl, CommandShell shell, ApprovalPolicies policies) {
        this.proposer = proposer;
        this.accepter = accepter;
        this.reenrolment = reenrolment;
        this.peers = peers;
        this.peerLifecycle = peerLifecycle;
        this.grants = grants;
        this.grantLifecycle = grantLifecycle;
        this.rotation = rotation;
        this.laggards = laggards;
        this.resources = resources;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.acceptanceTtl = acceptanceTtl;
        this.shell = shell;
        this.policies = policies;
    }

    /** Runs {@code command} as {@code operator}; its result as the admin API answers it. */
    public CommandResult execute(OperatorCommand command, String operator) {
        return command.dispatch(new Run(operator));
    }

    /**
     * The result of an earlier, interrupted run of a non-transactional {@code command} approved at
     * {@code approvedAt}, if it got through: the other hub consumes an acceptance token once, so
     * a second accept would be refused, and a link to the token's hub made since the approval is
     * this request's.
     */
    public Optional<CommandResult> alreadyDone(OperatorCommand command, Instant approvedAt) {
        if (!(command instanceof AcceptPeer accept)) {
            return Optional.empty();
        }
        String issuer;
        try {
            issuer = AcceptanceTokens.readClaims(accept.token()).issuer();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return peers.findByHubId(issuer)
                .filter(p -> p.state() != PeerState.REVOKED && !p.createdAt().isBefore(approvedAt))
                .map(CommandResult.PeerChanged::new);
    }

    private final class Run implements OperatorCommand.Handler<CommandResult> {
        private final String operator;

        Run(String operator) {
            this.operator = operator;
        }

        @Override
        public CommandResult proposePeer(ProposePeer command) {
            return proposal(proposer.propose(command.name(), command.lifetime(acceptanceTtl), operator));
        }

        @Override
        public CommandResult acceptPeer(AcceptPeer command) {
            return new CommandResult.PeerChanged(accepter.accept(command.token(), command.name(), operator));
        }

        @Override
        public CommandResult newAcceptanceToken(NewAcceptanceToken command) {
            return proposal(proposer.newToken(peer(command.peerId()).id(), command.lifetime(acceptanceTtl), operator));
        }

        @Override
        public CommandResult suspendPeer(SuspendPeer command) {
            UUID id = peer(command.peerId()).id();
            peerLifecycle.suspend(id, operator, command.reason());
            return new CommandResult.PeerChanged(peer(id.toString()));
        }

        @Override
        public CommandResult resumePeer(ResumePeer command) {
            UUID id = peer(command.peerId()).id();
            peerLifecycle.resume(id, operator);
            return new CommandResult.PeerChanged(peer(id.toString()));
        }

        @Override
        public CommandResult revokePeer(RevokePeer command) {
            UUID id = peer(command.peerId()).id();
            peerLifecycle.revoke(id, operator, command.reason());
            return new CommandResult.PeerChanged(peer(id.toString()));
        }

        @Override
        public CommandResult repinPeer(RepinPeer command) {
            Peer peer = peers.repin(peer(command.peerId()).id(), List.of(command.fingerprint()));
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.PEER_REPINNED, operator,
                    peer.id().toString(), Map.of("fingerprint", command.fingerprint()))));
            return new CommandResult.PeerChanged(peer);
        }

        /** Setting the URL a peer already has is a no-op, with no audit event. */
        @Override
        public CommandResult setPeerUrl(SetPeerUrl command) {
            Peer before = peer(command.peerId());
            before.requireUrlChangeable();
            if (command.url().equals(before.url())) {
                return new CommandResult.PeerChanged(before);
            }
            Peer after = tx.inTransaction(c -> {
                Peer p = peers.changeUrl(c, before.id(), command.url());
                AuditDetails details = AuditDetails.of("old_url", before.url()).put("url", command.url());
                audit.append(c, AuditEvent.of(AuditEventType.PEER_URL_CHANGED, operator, p.id().toString(), details));
                return p;
            });
            return new CommandResult.PeerChanged(after);
        }

        /** The lifetime counts from now, not from the request: an approved grant gets all of it. */
        @Override
        public CommandResult issueGrant(IssueGrant command) {
            UUID peerId = peer(command.peerId()).id();
            Instant now = clock.instant();
            Duration max = command.maxLifetimeDuration();
            IssuedGrant issued = grants.issue(peerId, command.permissions(), command.instances(), command.networks(),
                    command.cidrs(), now.plus(command.lifetime()), max == null ? null : now.plus(max), operator);
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.GRANT_ISSUED, operator,
                    issued.grant().id().toString(), CommandJson.plain(issued.grant()))));
            return new CommandResult.GrantIssued(issued.grant(), issued.bearerToken());
        }

        @Override
        public CommandResult revokeGrant(RevokeGrant command) {
            Grant grant = grant(command.grantId());
            grantLifecycle.revoke(grant.id(), operator, command.reason() == null ? "revoked by " + operator : command.reason());
            return new CommandResult.GrantRevoked(grant(command.grantId()));
        }

        @Override
        public CommandResult updateGrant(UpdateGrant command) {
            Grant grant = grant(command.grantId());
            grantLifecycle.update(grant.id(), command.change(), operator);
            return new CommandResult.GrantChanged(grant(command.grantId()));
        }

        /** The term counts from now, not from the request, as an issued grant's does. */
        @Override
        public CommandResult renewGrant(RenewGrant command) {
            Grant grant = grant(command.grantId());
            grantLifecycle.renew(grant.id(), command.lifetime(), operator);
            return new CommandResult.GrantChanged(grant(command.grantId()));
        }

        @Override
        public CommandResult rotateCa(RotateCa command) {
            // The phase the requester saw is checked now: an approval that waited while the
            // rotation moved on must not move it a second step.
            switch (command.move()) {
                case START -> rotation.startRotation(operator);
                case ADVANCE -> advance(command);
                case ROLLBACK -> rotation.rollBack(operator, command.expected());
            }
            // The served TLS is in memory: it takes up the new keys once they are committed.
            tx.afterCommit(shell::rotationCommitted);
            return new CommandResult.CaRotated(rotation.status());
        }

        /** A refusal for laggards names each: which hub, where, on which key, heard from when. */
        private void advance(RotateCa command) {
            try {
                rotation.advance(operator, command.expected(), command.force());
            } catch (EntenteException e) {
                if (e.code() != ErrorCode.ROTATION_LAGGARDS) {
                    throw e;
                }
                RotationLifecycle.Status status = rotation.status();
                // Problem extension members (RFC 9457, free-form JSON): the refusal's own, plus who lags.
                Map<String, Object> details = new LinkedHashMap<>(e.extensions());
                details.put("laggard_peers", laggards.of(status));
                throw new EntenteException(ErrorCode.ROTATION_LAGGARDS, status.laggards().size() + " peer(s) still hold "
                        + "node certificates under the key being dropped: " + laggards.summary(status) + "; each renews "
                        + "on its next heartbeat: start a peer that is down, revoke one that is gone "
                        + "('entente peers revoke ID --reason ...'), or advance with --force (they lose access)", details, e);
            }
        }

        @Override
        public CommandResult issueOperatorToken(IssueOperatorToken command) {
            return shell.mintOperatorToken(command, operator);
        }

        @Override
        public CommandResult putResource(PutResource command) {
            Resource r = resources.put(command.kind(), command.name(), command.instanceId(), command.networkId(),
                    command.attributes());
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.RESOURCE_PUT, operator,
                    command.kind() + "/" + command.name(), CommandJson.plain(r))));
            return new CommandResult.ResourcePut(r);
        }

        @Override
        public CommandResult deleteResource(DeleteResource command) {
            String path = command.kind() + "/" + command.name();
            if (!resources.delete(command.kind(), command.name())) {
                throw new EntenteException(ErrorCode.NOT_FOUND, "no resource " + path);
            }
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.RESOURCE_DELETED, operator, path, Map.of())));
            return new CommandResult.ResourceDeleted(path);
        }

        @Override
        public CommandResult rotateTls(RotateTls command) {
            return shell.rotateTls(operator);
        }

        @Override
        public CommandResult rotateAuditKey(RotateAuditKey command) {
            return shell.rotateAuditKey(operator);
        }

        @Override
        public CommandResult rotateKeys(RotateKeys command) {
            if (RotateKeys.TOKEN_SIGNING.equals(command.type())) {
                return shell.rotateTokenSigningKey(operator, OutstandingTokens.TABLES);
            }
            CommandResult.AuditKeyRotated rotated = shell.rotateAuditKey(operator);
            return new CommandResult.KeysRotated(command.type(), rotated.keyId(), null, null, null, "new audit events are "
                    + "signed with " + rotated.keyId() + "; earlier keys are kept, retired, so 'entente audit verify' still "
                    + "walks the whole chain");
        }

        @Override
        public CommandResult newReenrolmentToken(NewReenrolmentToken command) {
            Reenrolment.Minted minted = reenrolment.mint(peer(command.peerId()).id(), command.lifetime(), operator);
            return new CommandResult.ReenrolmentTokenMinted(minted.peer(), minted.token(), minted.expiresAt().toString());
        }

        @Override
        public CommandResult reenrolPeer(ReenrolPeer command) {
            return new CommandResult.PeerChanged(reenrolment.reenrol(command.token(), operator));
        }

        @Override
        public CommandResult setApprovalPolicy(SetApprovalPolicy command) {
            return new CommandResult.PolicySet(policies.set(command.target(), command.policy(), command.lifetime(),
                    command.reason(), operator));
        }
    }

    private Peer peer(String id) {
        UUID uuid = Fields.peerId(id);
        return peers.find(uuid).orElseThrow(() -> new EntenteException(ErrorCode.NOT_FOUND, "no peer " + uuid));
    }

    private Grant grant(String id) {
        try {
            return grants.find(UUID.fromString(id)).orElseThrow(() -> grantNotFound(id));
        } catch (IllegalArgumentException e) {
            throw grantNotFound(id);
        }
    }

    private static EntenteException grantNotFound(String id) {
        return new EntenteException(ErrorCode.NOT_FOUND, "no grant " + id + "; 'entente grants list' shows them");
    }

    private static CommandResult proposal(HandshakeProposer.Proposal p) {
        return new CommandResult.PeerProposed(p.peer(), p.acceptanceToken());
    }
}
