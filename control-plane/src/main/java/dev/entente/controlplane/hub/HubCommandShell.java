package dev.entente.controlplane.hub;

import dev.entente.lifecycle.audit.AuditKey;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.crypto.Fingerprints;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.TokenKeyring;
import dev.entente.ca.vault.VaultAuditKeyring;
import dev.entente.controlplane.security.OperatorTokenMint;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.ca.tls.HubTls;
import dev.entente.ca.tls.TlsModes;
import dev.entente.ca.tls.TlsState;
import dev.entente.controlplane.tls.HubTlsEndpoint;
import dev.entente.federation.renewal.TlsRenewal;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import java.time.Clock;
import dev.entente.federation.command.CommandResult;
import dev.entente.federation.command.CommandShell;
import dev.entente.federation.command.IssueOperatorToken;
import dev.entente.federation.command.OutstandingTokens;
import dev.entente.federation.command.RotateKeys;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
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
    private final TokenKeyring tokenKeys;
    private final TlsModes tlsModes;
    private final HubTlsEndpoint endpoint;
    private final TlsRenewal tlsRenewal;

    public HubCommandShell(HubIdentity hub, HubSettings settings, OperatorTokens tokens, Tx tx, AuditLog audit,
                           VaultAuditKeyring auditKeys, Clock clock, TlsState tls, HubTls hubTls, TokenKeyring tokenKeys,
                           TlsModes tlsModes, HubTlsEndpoint endpoint, TlsRenewal tlsRenewal) {
        this.tlsModes = tlsModes;
        this.endpoint = endpoint;
        this.tlsRenewal = tlsRenewal;
        this.hub = hub;
        this.settings = settings;
        this.tokens = tokens;
        this.tx = tx;
        this.audit = audit;
        this.auditKeys = auditKeys;
        this.clock = clock;
        this.tls = tls;
        this.hubTls = hubTls;
        this.tokenKeys = tokenKeys;
    }

    @Override
    public CommandResult.TokenMinted mintOperatorToken(IssueOperatorToken command, String issuer) {
        return OperatorTokenMint.mint(tokens, tx, audit, command, issuer);
    }

    @Override
    public void rotationCommitted() {
        hubTls.refresh();
    }

    /** The new key is served from the next handshake, without a restart; the local CLI pins it from the data dir. */
    @Override
    public CommandResult.TlsInfo rotateTls(String operator) {
        tlsRenewal.rotate(operator, clock.instant());
        HubBootstrap.writeLocalFiles(settings, hub, tls);
        return describe(tls, tlsModes, endpoint, tokenKeys);
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
     * One transaction: count what the old key signed that is still usable, retire it, make a new
     * key active, re-issue {@code admin.token} under the new key, and audit it all. Once committed,
     * this process signs and verifies with the new keys and writes the new {@code admin.token};
     * other processes take them up from the V23 notice.
     *
     * <p>Why operator tokens share the key and {@code admin.token} is re-issued, rather than
     * operator tokens keeping a key of their own that this rotation leaves alone: the rotation is
     * what an operator runs when the key may have leaked, and a leaked key forges operator tokens
     * of any role just as well as acceptance tokens; a rotation that left them valid would not
     * close that. The root credential on the hub's own machine is re-issued in the same
     * transaction, so the operator on the machine is never locked out.
     */
    @Override
    public CommandResult.KeysRotated rotateTokenSigningKey(String operator, OutstandingTokens outstanding) {
        Instant now = clock.instant();
        record Done(TokenKeyring.Rotation rotation, CommandResult.Invalidated invalidated, OperatorTokens.Issued admin) {
        }
        Done done = tx.inTransaction(c -> {
            OutstandingTokens.Counts counts = outstanding.count(c, now);
            long operatorTokens = liveOperatorTokens(c, now);
            TokenKeyring.Rotation rotation = tokenKeys.rotate(c);
            OperatorTokens.Issued admin = HubBootstrap.issueAdminToken(c, tokens, rotation.signing(), audit, operator);
            CommandResult.Invalidated invalidated = new CommandResult.Invalidated(counts.acceptanceTokens(),
                    counts.reenrolmentTokens(), operatorTokens);
            AuditDetails details = AuditDetails.of("previous_key_id", rotation.previousKeyId())
                    .put("fingerprint", rotation.fingerprint())
                    .put("acceptance_tokens", invalidated.acceptanceTokens())
                    .put("reenrolment_tokens", invalidated.reenrolmentTokens())
                    .put("operator_tokens", invalidated.operatorTokens())
                    .put("admin_token_jti", admin.jti().toString());
            audit.append(c, AuditEvent.of(AuditEventType.KEYS_TOKEN_SIGNING_ROTATED, operator, rotation.keyId(), details));
            return new Done(rotation, invalidated, admin);
        });
        tx.afterCommit(() -> {
            tokenKeys.reload();
            HubBootstrap.writePrivate(settings.dataDir().resolve(HubBootstrap.ADMIN_TOKEN_FILE), done.admin().token() + "\n");
        });
        CommandResult.Invalidated n = done.invalidated();
        return new CommandResult.KeysRotated(RotateKeys.TOKEN_SIGNING, done.rotation().keyId(),
                done.rotation().previousKeyId(), n, "reissued", "tokens signed by " + done.rotation().previousKeyId()
                + " no longer work: " + n.acceptanceTokens() + " unjoined acceptance token(s) (mint new ones with "
                + "'entente peers token ID'), " + n.reenrolmentTokens() + " re-enrolment token(s) ('entente peers reenroll ID' "
                + "again), " + n.operatorTokens() + " operator token(s) (admin.token in the hub's data dir was re-issued; "
                + "others need 'entente operators token issue', sign-in sessions 'entente login'); linked peers are "
                + "unaffected: their mTLS identity does not depend on this key");
    }

    private static long liveOperatorTokens(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM operator_tokens WHERE revoked_at IS NULL AND expires_at > ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * {@code tls info}: the served certificate, the fingerprints still in grace, the next one of a
     * renewal (or of a new custom file or ACME order), the mode and where the key lives.
     */
    public static CommandResult.TlsInfo describe(TlsState state, TlsModes modes, HubTlsEndpoint endpoint, TokenKeyring tokenKeys) {
        TlsKey tls = state.current();
        // an automatic renewal's next certificate: announced to peers, served once they pin it
        String next = state.nextFingerprints().stream().findFirst().orElse(null);
        return new CommandResult.TlsInfo(tls.certificate().getSubjectX500Principal().getName(),
                Certificates.subjectAltNames(tls.certificate()), tls.certificate().getNotBefore().toInstant().toString(),
                tls.notAfter().toString(), tls.fingerprint(), keyType(tls), state.graceFingerprints(), next,
                modes.mode().value(), modes.keyLocation(), tls.certificate().getIssuerX500Principal().getName(),
                endpoint.browserCertificate().map(Fingerprints::of).orElse(null),
                endpoint.browserCertificate().map(HubCommandShell::spkiSha256).orElse(null),
                tokenKeys.jwsAlg(), tokenKeys.signing().provider() == null ? SealedKeyStore.SEALED : tokenKeys.token().where());
    }

    /** What a browser pins ({@code --ignore-certificate-errors-spki-list}, HPKP style): base64 SHA-256 of the public key. */
    private static String spkiSha256(java.security.cert.X509Certificate certificate) {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(certificate.getPublicKey().getEncoded()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keyType(TlsKey tls) {
        return switch (tls.privateKey().getAlgorithm()) {
            case "EC" -> "ECDSA P-256";
            case "RSA" -> "RSA " + ((java.security.interfaces.RSAKey) tls.privateKey()).getModulus().bitLength();
            default -> "Ed25519";
        };
    }
}
