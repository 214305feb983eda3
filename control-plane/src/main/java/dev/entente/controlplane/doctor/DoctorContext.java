package dev.entente.controlplane.doctor;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.anchor.AnchoredAudit;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.hub.EmbeddedDatabase;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;

import java.time.Clock;
import java.time.Duration;

/** What the doctor's checks (and the governance scan running some of them) read about one hub. */
public record DoctorContext(HubIdentity identity, HubSettings settings, Clock clock, Tx tx, AuditLog audit, TlsState tls,
                            SealedKeyStore keys, FederationService federation, RotationLifecycle rotation,
                            AnchoredAudit anchoredAudit) {
    public String databaseKind() {
        return identity.databaseKind();
    }

    /** The embedded database, or null when the hub runs on {@code --db-url}. */
    public EmbeddedDatabase embeddedDatabase() {
        return identity.embeddedDatabase().orElse(null);
    }

    public String listening() {
        return identity.listening();
    }

    public int boundPort() {
        return identity.boundPort();
    }

    public Duration uptime() {
        return identity.uptime();
    }
}
