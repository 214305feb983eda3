package dev.entente.federation.renewal;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.FederationCa;
import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.rotation.RotationState;
import dev.entente.federation.handshake.NodeKeys;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerCredentials;
import dev.entente.federation.protocol.AccessInvalidation;
import dev.entente.federation.protocol.FederationProtocol;
import dev.entente.federation.protocol.LocalHub;
import dev.entente.federation.protocol.PeerTransport;
import dev.entente.federation.protocol.RenewalAnswer;
import dev.entente.federation.protocol.RenewalRequest;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** Node-certificate renewal, both sides: ours when a peer's heartbeat answer asks for it, and the peer's. */
public final class Renewal {
    private final LocalHub hub;
    private final Tx tx;
    private final PeerCredentials credentials;
    private final CertificateAuthority authority;
    private final RotationLifecycle rotation;
    private final NodeKeys nodeKeys;
    private final PeerTransport transport;
    private final AuditLog audit;
    private final AccessInvalidation invalidation;

    public Renewal(LocalHub hub, Tx tx, PeerCredentials credentials, CertificateAuthority authority,
                   RotationLifecycle rotation, NodeKeys nodeKeys, PeerTransport transport, AuditLog audit,
                   AccessInvalidation invalidation) {
        this.hub = hub;
        this.tx = tx;
        this.credentials = credentials;
        this.authority = authority;
        this.rotation = rotation;
        this.nodeKeys = nodeKeys;
        this.transport = transport;
        this.audit = audit;
        this.invalidation = invalidation;
    }

    /** Our side: a new node key and certificate for talking to {@code peer}. */
    public void renew(Peer peer) {
        KeyPair nodeKey = Certificates.ed25519();
        RenewalAnswer answer = transport.renew(nodeKeys.endpoint(peer),
                new RenewalRequest(FederationProtocol.VERSION, Certificates.csr(nodeKey, hub.hubId())));
        String pem = answer.nodeCert();
        X509Certificate cert = FederationProtocol.certificate(pem, ErrorCode.HANDSHAKE_REJECTED,
                "the peer answered the renewal without a PEM node_cert");
        if (!cert.getPublicKey().equals(nodeKey.getPublic())) {
            throw new EntenteException(ErrorCode.HANDSHAKE_REJECTED, "the renewed certificate is for another key");
        }
        String keyId = nodeKeys.seal(peer.id(), nodeKey, cert);
        credentials.recordClientCertificate(peer.id(), pem, keyId);
        tx.inTransaction(c -> audit.append(c, AuditEvent.of(EventSource.RENEWAL, AuditEventType.PEER_CLIENT_CERT_RENEWED,
                peer.id().toString(), Map.of("not_after", cert.getNotAfter().toInstant().toString()))));
    }

    /** The peer's side of renewal: issue under the key that signs now and revoke the superseded certificate. */
    public RenewalAnswer handle(Peer peer, IssuedCertificate presented, RenewalRequest request) {
        FederationProtocol.require(request.protocolVersion());
        byte[] csr = FederationProtocol.required(request.csr(), "csr").getBytes(StandardCharsets.US_ASCII);
        IssuedCertificate issued = tx.inTransaction(c -> {
            IssuedCertificate next = authority.issue(c, peer.id().toString(), peer.hubId(), csr);
            authority.revoke(c, presented.serial(), "superseded by " + next.serial());
            if (!next.signerFingerprint().equals(presented.signerFingerprint())) {
                recordKeyMove(c, peer, presented, next);
            }
            return next;
        });
        // The superseded certificate stops working now, not when a cached copy of it ages out.
        invalidation.certificateSuperseded(presented.fingerprint());
        credentials.recordNodeCertificate(peer.id(), issued.serial(), issued.notAfter(), issued.signerFingerprint());
        return new RenewalAnswer(FederationProtocol.VERSION, issued.certificatePem());
    }

    /**
     * A peer renewed onto another CA key: during a rotation that is the laggard list shrinking by
     * itself, which operators follow with {@code entente events --source rotation}; the last one
     * says the next phase may start.
     */
    private void recordKeyMove(Connection c, Peer peer, IssuedCertificate from, IssuedCertificate to) throws SQLException {
        RotationLifecycle.Status status = rotation.status(c);
        AuditDetails details = AuditDetails.of()
                .put("peer", peer.name())
                .put("phase", status.phase().value())
                .put("from_signer", from.signerFingerprint())
                .put("to_signer", to.signerFingerprint())
                .put("laggards_left", status.laggards().size());
        audit.append(c, AuditEvent.of(EventSource.ROTATION, AuditEventType.CA_ROTATION_PEER_MOVED, peer.id().toString(), details));
        if (status.laggards().isEmpty() && status.phase() != RotationState.STANDBY) {
            audit.append(c, AuditEvent.of(EventSource.ROTATION, AuditEventType.CA_ROTATION_LAGGARDS_DRAINED, FederationCa.TYPE,
                    Map.of("phase", status.phase().value(), "last_peer", peer.name())));
        }
    }
}
