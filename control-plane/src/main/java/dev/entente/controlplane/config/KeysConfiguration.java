package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where the hub keeps its private keys.
 *
 * @param store {@code sealed} (every key sealed in the database under the key passphrase) or {@code pkcs11} (the
 *              federation CA keys and the token-signing key are generated in the PKCS#11 token of
 *              {@code entente.keys.pkcs11.*} and never leave it; they are ECDSA P-256 and tokens ES256, since
 *              SunPKCS11 has no Ed25519; the other keys stay sealed). Every process of a hub, {@code entente worker}
 *              included, needs the same settings; a hub of several replicas needs a network HSM all of them reach
 */
@ConfigurationProperties("entente.keys")
public record KeysConfiguration(@Bindable(defaultValue = "sealed") String store) {
}
