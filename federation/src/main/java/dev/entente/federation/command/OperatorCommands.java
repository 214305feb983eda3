package dev.entente.federation.command;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.federation.grant.Grant;
import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.grant.IssuedGrant;
import dev.entente.federation.handshake.AcceptanceTokens;
import dev.entente.federation.handshake.HandshakeAccepter;
import dev.entente.federation.handshake.HandshakeProposer;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerState;
import dev.entente.federation.reenrol.Reenrolment;
import dev.entente.federation.resource.Resource;
import dev.entente.federation.resource.ResourceRepository;
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
 * may have waited hours. Results are the JSON the admin API answers ({@code {"peer": ...}},
 * {@code {"grant": ..., "bearer_token": ...}}, ...): an approval stores them as they are.
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
    private final ResourceRepository resources;
    private final AuditLog audit;
    private final Tx tx;
    private final Clock clock;
    private final Duration acceptanceTtl;
    private final CommandShell shell;

    /**
     * @param acceptanceTtl an acceptance token's lifetime when the command names none
     *                      ({@code entente.tokens.acceptance-ttl})
     */
    public OperatorCommands(HandshakeProposer proposer, HandshakeAccepter accepter, Reenrolment reenrolment, PeerRepository peers,
                            PeerLifecycle peerLifecycle, GrantRepository grants, GrantLifecycle grantLifecycle,
                            RotationLifecycle rotation, ResourceRepository resources, AuditLog audit, Tx tx, Clock clock,
                            Duration acceptanceTtl, CommandShell shell) {
        this.proposer = proposer;
        this.accepter = accepter;
        this.reenrolment = reenrolment;
        this.peers = peers;
        this.peerLifecycle = peerLifecycle;
        this.grants = grants;
        this.grantLifecycle = grantLifecycle;
        this.rotation = rotation;
        this.resources = resources;
        this.audit = audit;
        this.tx = tx;
        this.clock = clock;
        this.acceptanceTtl = acceptanceTtl;
        this.shell = shell;
    }

    /** Runs {@code command} as {@code operator}; its result as the admin API answers it. */
    // A command's answer is JSON of the domain's own maps (a peer, a grant, a CA status).
    public Map<String, Object> execute(OperatorCommand command, String operator) {
        return command.dispatch(new Run(operator));
    }

    /**
     * The result of an earlier, interrupted run of a non-transactional {@code command} approved at
     * {@code approvedAt}, if it got through: the other hub consumes an acceptance token once, so
     * a second accept would be refused, and a link to the token's hub made since the approval is
     * this request's.
     */
    public Optional<Map<String, Object>> alreadyDone(OperatorCommand command, Instant approvedAt) {
        if (!(command instanceof AcceptPeer accept)) {
            return Optional.empty();
        }
        String issuer;
        try {
            issuer = AcceptanceTokens.read(accept.token()).issuer();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return peers.findByHubId(issuer)
                .filter(p -> p.state() != PeerState.REVOKED && !p.createdAt().isBefore(approvedAt))
                .map(OperatorCommands::peerAnswer);
    }

    private final class Run implements OperatorCommand.Handler<Map<String, Object>> {
        private final String operator;

        Run(String operator) {
            this.operator = operator;
        }

        @Override
        public Map<String, Object> proposePeer(ProposePeer command) {
            return proposal(proposer.propose(command.name(), command.lifetime(acceptanceTtl), operator));
        }

        @Override
        public Map<String, Object> acceptPeer(AcceptPeer command) {
            return peerAnswer(accepter.accept(command.token(), command.name(), operator));
        }

        @Override
        public Map<String, Object> newAcceptanceToken(NewAcceptanceToken command) {
            return proposal(proposer.newToken(peer(command.peerId()).id(), command.lifetime(acceptanceTtl), operator));
        }

        @Override
        public Map<String, Object> suspendPeer(SuspendPeer command) {
            UUID id = peer(command.peerId()).id();
            peerLifecycle.suspend(id, operator, command.reason());
            return peerAnswer(peer(id.toString()));
        }

        @Override
        public Map<String, Object> resumePeer(ResumePeer command) {
            UUID id = peer(command.peerId()).id();
            peerLifecycle.resume(id, operator);
            return peerAnswer(peer(id.toString()));
        }

        @Override
        public Map<String, Object> revokePeer(RevokePeer command) {
            UUID id = peer(command.peerId()).id();
            peerLifecycle.revoke(id, operator, command.reason());
            return peerAnswer(peer(id.toString()));
        }

        @Override
        public Map<String, Object> repinPeer(RepinPeer command) {
            Peer peer = peers.repin(peer(command.peerId()).id(), List.of(command.fingerprint()));
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.PEER_REPINNED, operator,
                    peer.id().toString(), Map.of("fingerprint", command.fingerprint()))));
            return peerAnswer(peer);
        }

        /** The lifetime counts from now, not from the request: an approved grant gets all of it. */
        @Override
        public Map<String, Object> issueGrant(IssueGrant command) {
            UUID peerId = peer(command.peerId()).id();
            IssuedGrant issued = grants.issue(peerId, command.permissions(), command.instances(), command.networks(),
                    command.cidrs(), clock.instant().plus(command.lifetime()), operator);
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.GRANT_ISSUED, operator,
                    issued.grant().id().toString(), issued.grant().toMap())));
            return issued.toMap();
        }

        @Override
        public Map<String, Object> revokeGrant(RevokeGrant command) {
            Grant grant = grant(command.grantId());
            grantLifecycle.revoke(grant.id(), operator, command.reason() == null ? "revoked by " + operator : command.reason());
            return grant(command.grantId()).toMap();
        }

        @Override
        public Map<String, Object> rotateCa(RotateCa command) {
            // The phase the requester saw is checked now: an approval that waited while the
            // rotation moved on must not move it a second step.
            switch (command.move()) {
                case START -> rotation.startRotation(operator);
                case ADVANCE -> rotation.advance(operator, command.expected(), command.force());
                case ROLLBACK -> rotation.rollBack(operator, command.expected());
            }
            // The served TLS is in memory: it takes up the new keys once they are committed.
            tx.afterCommit(shell::rotationCommitted);
            return Map.of("ca", List.of(rotation.status().toMap()));
        }

        @Override
        public Map<String, Object> issueOperatorToken(IssueOperatorToken command) {
            return shell.mintOperatorToken(command, operator);
        }

        @Override
        public Map<String, Object> putResource(PutResource command) {
            Resource r = resources.put(command.kind(), command.name(), command.instanceId(), command.networkId(),
                    command.attributes());
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.RESOURCE_PUT, operator,
                    command.kind() + "/" + command.name(), r.toMap())));
            return r.toMap();
        }

        @Override
        public Map<String, Object> deleteResource(DeleteResource command) {
            String path = command.kind() + "/" + command.name();
            if (!resources.delete(command.kind(), command.name())) {
                throw new EntenteException(ErrorCode.NOT_FOUND, "no resource " + path);
            }
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.RESOURCE_DELETED, operator, path, Map.of())));
            return Map.of("deleted", path);
        }

        @Override
        public Map<String, Object> rotateTls(RotateTls command) {
            return shell.rotateTls(operator);
        }

        @Override
        public Map<String, Object> rotateAuditKey(RotateAuditKey command) {
            return shell.rotateAuditKey(operator);
        }

        @Override
        public Map<String, Object> newReenrolmentToken(NewReenrolmentToken command) {
            return reenrolment.mint(peer(command.peerId()).id(), command.lifetime(), operator).toMap();
        }

        @Override
        public Map<String, Object> reenrolPeer(ReenrolPeer command) {
            return peerAnswer(reenrolment.reenrol(command.token(), operator));
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

    private static Map<String, Object> peerAnswer(Peer peer) {
        return Map.of("peer", peer.toMap());
    }

    private static Map<String, Object> proposal(HandshakeProposer.Proposal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peer", p.peer().toMap());
        m.put("acceptance_token", p.acceptanceToken());
        return m;
    }
}
