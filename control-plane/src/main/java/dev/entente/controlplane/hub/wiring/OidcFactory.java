package dev.entente.controlplane.hub.wiring;

import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.config.OidcConfiguration;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.security.oidc.IdTokenVerifier;
import dev.entente.controlplane.security.oidc.OidcProvider;
import dev.entente.controlplane.security.oidc.OidcSettings;
import dev.entente.controlplane.security.oidc.OidcSignIn;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Sign-in with an identity provider, when {@code entente.oidc.issuer} names one. */
@Factory
final class OidcFactory {
    @Singleton
    @Requires(property = "entente.oidc.issuer")
    OidcSignIn oidcSignIn(OidcConfiguration config, HubIdentity hub, HubSettings settings, OperatorTokens tokens, Tx tx,
                          SealedKeyStore keys, AuditLog audit, Clock clock) {
        OidcSettings oidc = OidcSettings.from(config).orElseThrow();
        OidcProvider provider = new OidcProvider(oidc);
        return new OidcSignIn(oidc, provider, new IdTokenVerifier(oidc, provider, clock, settings.clockSkew()), tokens, tx, keys.vault(),
                audit, clock, hub::publicUrl);
    }
}
