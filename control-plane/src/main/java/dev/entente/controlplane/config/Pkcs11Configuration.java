package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * The PKCS#11 token of {@code entente.keys.store: pkcs11}, opened through the JDK's SunPKCS11 at
 * start, before anything else uses a key: a missing library, an unknown label, an unreadable PIN
 * file or a wrong PIN stops the start with its own error code.
 *
 * @param library    the token's PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
 * @param tokenLabel the label the token was initialised with; the slot is found by it, since modules renumber slots
 * @param pinFile    a file (mode 0600) holding the token's user PIN
 */
@ConfigurationProperties("entente.keys.pkcs11")
public record Pkcs11Configuration(@Nullable String library,
                                  @Nullable String tokenLabel,
                                  @Nullable String pinFile) {
}
