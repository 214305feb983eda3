package dev.entente.controlplane.hub;

import dev.entente.lifecycle.audit.AuditKey;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.vault.VaultAuditKeyring;
import dev.entente.controlplane.security.OperatorTokenMint;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.tls.HubTls;
import dev.entente.controlplane.tls.TlsMode;
import dev.entente.controlplane.tls.TlsModes;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import java.time.Clock;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.federation.command.CommandResult;
import dev.entente.federation.command.CommandShell;
import dev.entente.federation.command.IssueOperatorToken;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.federation.peer.Durations;

import java.util.Map;

/**
 * What operator commands need of the shell: the operator-token key and table, the TLS the hub
 * serves (in memory and in its data dir), and the audit keyring.
 */
@jakarta.inject.Singleton
public final class HubCommandShell implements CommandShell {
    private final HubIdentity hub;
    private final HubSettings settings;
    private final OperatorTokens tokens;
    private final Tx tx;
    private final AuditLog audit;
    private final VaultAuditKeyring auditKeys;
    private final Clock clock;
    private final TlsState tls;
    private final HubTls hubTls;
    private final TlsModes tlsModes;

    public HubCommandShell(HubIdentity hub, HubSettings settings, OperatorTokens tokens, Tx tx, AuditLog audit,
                           VaultAuditKeyring auditKeys, Clock clock, TlsState tls, HubTls hubTls, TlsModes tlsModes) {
        this.tlsModes = tlsModes;
        this.hub = hub;
        this.settings = settings;
        this.tokens = tokens;
        this.tx = tx;
        this.audit = audit;
        this.auditKeys = auditKeys;
        this.clock = clock;
        this.tls = tls;
        this.hubTls = hubTls;
    }

    @Override
    public CommandResult.TokenMinted mintOperatorToken(IssueOperatorToken command, String issuer) {
        return OperatorTokenMint.mint(tokens, tx, audit, command, issuer);
    }

    @Override
    public void rotationCommitted() {
        hubTls.refresh();
    }

    /** The new key is served from the next handshake, without a restart. */
    @Override
    public CommandResult.TlsInfo rotateTls(String operator) {
        if (tlsModes.mode() != TlsMode.SELF_SIGNED) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente tls rotate makes a self-signed certificate, and this hub "
                    + "serves " + tlsModes.mode().value() + " certificates (entente.tls.mode); " + (tlsModes.mode() == TlsMode.CUSTOM
                    ? "write the new certificate and key over entente.tls.cert-file and entente.tls.key-file and send the hub SIGHUP"
                    : "the hub orders the next certificate from the ACME CA at two thirds of the served one's lifetime"));
        }
        String previous = tls.current().fingerprint();
        tx.inTransaction(c -> {
            TlsKey k = hubTls.certificates().rotate(c, hub.hubId(), settings.subjectAltNames(), clock.instant());
            audit.append(c, AuditEvent.of(AuditEventType.TLS_ROTATED, operator, k.fingerprint(),
                    Map.of("previous_fingerprint", previous, "grace", Durations.format(settings.tlsRotationGrace()))));
            return k;
        });
        hubTls.refresh();
        HubBootstrap.writeLocalFiles(settings, hub, tls);
        return describe(tls, tlsModes);
    }

    @Override
    public CommandResult.AuditKeyRotated rotateAuditKey(String operator) {
        AuditKey key = tx.inTransaction(c -> {
            AuditKey next = auditKeys.rotate(c);
            audit.append(c, AuditEvent.of(AuditEventType.AUDIT_KEY_ROTATED, operator, next.id(), Map.of()));
            return next;
        });
        return new CommandResult.AuditKeyRotated(key.id());
    }

    /**
     * {@code tls info}: the served certificate, the fingerprints still in grace, the next one of a
     * renewal (or of a new custom file or ACME order), the mode and where the key lives.
     */
    public static CommandResult.TlsInfo describe(TlsState state, TlsModes modes) {
        TlsKey tls = state.current();
        // an automatic renewal's next certificate: announced to peers, served once they pin it
        String next = state.nextFingerprints().stream().findFirst().orElse(null);
        return new CommandResult.TlsInfo(tls.certificate().getSubjectX500Principal().getName(),
                Certificates.subjectAltNames(tls.certificate()), tls.certificate().getNotBefore().toInstant().toString(),
                tls.notAfter().toString(), tls.fingerprint(), keyType(tls), state.graceFingerprints(), next,
                modes.mode().value(), modes.keyLocation(), tls.certificate().getIssuerX500Principal().getName());
    }

    private static String keyType(TlsKey tls) {
        return switch (tls.privateKey().getAlgorithm()) {
            case "EC" -> "ECDSA P-256";
            case "RSA" -> "RSA " + ((java.security.interfaces.RSAKey) tls.privateKey()).getModulus().bitLength();
            default -> "Ed25519";
        };
    }
}
