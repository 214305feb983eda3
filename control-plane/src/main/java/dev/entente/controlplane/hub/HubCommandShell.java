package dev.entente.controlplane.hub;

import dev.entente.lifecycle.audit.AuditKey;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.controlplane.security.OperatorTokenMint;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.federation.command.CommandShell;
import dev.entente.federation.command.IssueOperatorToken;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.federation.peer.Durations;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What operator commands need of the shell: the operator-token key and table, the TLS the hub
 * serves (in memory and in its data dir), and the audit keyring.
 */
public final class HubCommandShell implements CommandShell {
    private final HubRuntime hub;

    public HubCommandShell(HubRuntime hub) {
        this.hub = hub;
    }

    @Override
    public Map<String, Object> mintOperatorToken(IssueOperatorToken command, String issuer) {
        return OperatorTokenMint.mint(hub, command, issuer);
    }

    @Override
    public void rotationCommitted() {
        hub.refreshTls();
    }

    /** The new key is served from the next handshake, without a restart. */
    @Override
    public Map<String, Object> rotateTls(String operator) {
        String previous = hub.tls().current().fingerprint();
        hub.tx().inTransaction(c -> {
            TlsKey k = hub.tlsCertificates().rotate(c, hub.hubId(), hub.settings().subjectAltNames(), hub.clock().instant());
            hub.audit().append(c, AuditEvent.of(AuditEventType.TLS_ROTATED, operator, k.fingerprint(),
                    Map.of("previous_fingerprint", previous, "grace", Durations.format(hub.settings().tlsRotationGrace()))));
            return k;
        });
        hub.refreshTls();
        HubBootstrap.writeLocalFiles(hub);
        return describe(hub.tls());
    }

    @Override
    public Map<String, Object> rotateAuditKey(String operator) {
        AuditKey key = hub.tx().inTransaction(c -> {
            AuditKey next = hub.auditKeys().rotate(c);
            hub.audit().append(c, AuditEvent.of(AuditEventType.AUDIT_KEY_ROTATED, operator, next.id(), Map.of()));
            return next;
        });
        return Map.of("key_id", key.id());
    }

    /** {@code tls info}: the served certificate and the fingerprints still in grace. */
    // The JSON DESIGN §10 fixes for tls info.
    public static Map<String, Object> describe(TlsState state) {
        TlsKey tls = state.current();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", tls.certificate().getSubjectX500Principal().getName());
        out.put("sans", Certificates.subjectAltNames(tls.certificate()));
        out.put("not_before", tls.certificate().getNotBefore().toInstant().toString());
        out.put("not_after", tls.notAfter().toString());
        out.put("fingerprint", tls.fingerprint());
        out.put("key_type", "Ed25519");
        out.put("grace_fingerprints", state.graceFingerprints());
        return out;
    }
}
