package dev.entente.controlplane.hub;

import dev.entente.ca.vault.Pkcs11Token;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.config.KeysConfiguration;
import dev.entente.controlplane.config.Pkcs11Configuration;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.context.ApplicationContext;

import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code entente.keys.*}, checked: where the federation CA keys and the token-signing key live.
 *
 * @param store      {@value SealedKeyStore#SEALED} or {@value Pkcs11Token#STORE}
 * @param library    the PKCS#11 module, under {@code pkcs11}
 * @param tokenLabel the token's label, under {@code pkcs11}
 * @param pinFile    the file holding the user PIN, under {@code pkcs11}
 */
public record KeyStoreSettings(String store, Path library, String tokenLabel, Path pinFile) {

    /** The settings of {@code context}'s configuration; an unknown store stops the start with {@code invalid_request}. */
    public static KeyStoreSettings from(ApplicationContext context) {
        String store = context.getBean(KeysConfiguration.class).store().strip().toLowerCase(Locale.ROOT);
        if (!store.equals(SealedKeyStore.SEALED) && !store.equals(Pkcs11Token.STORE)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.keys.store must be sealed or pkcs11, not " + store);
        }
        Pkcs11Configuration p11 = context.getBean(Pkcs11Configuration.class);
        return new KeyStoreSettings(store, path(p11.library()), p11.tokenLabel(), path(p11.pinFile()));
    }

    /**
     * Under {@code pkcs11}, finds the token and logs in: what {@link Pkcs11Token#open} refuses stops the
     * start with its own code. Null under {@code sealed}.
     */
    public Pkcs11Token open() {
        return store.equals(Pkcs11Token.STORE) ? Pkcs11Token.open(library, tokenLabel, pinFile) : null;
    }

    private static Path path(String text) {
        return text == null || text.isBlank() ? null : Path.of(text);
    }
}
