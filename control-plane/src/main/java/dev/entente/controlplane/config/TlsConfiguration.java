package dev.entente.controlplane.config;

import dev.entente.ca.tls.TlsModeSettings;
import dev.entente.federation.peer.Durations;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * The hub's own TLS certificate, the one its HTTPS port presents.
 *
 * @param rotationGrace how long the previous certificate's fingerprint stays accepted after a rotation
 * @param certValidity  lifetime of a newly generated hub certificate
 * @param autoRenew     whether the hub renews its certificate by itself: at two thirds of its lifetime (announced to
 *                      peers first, as a rotation with its grace), and at start when it has expired; off, only
 *                      {@code entente tls rotate} renews it
 * @param mode          where the certificate comes from: {@code self-signed} (the hub makes and renews its own),
 *                      {@code custom} (the PEM files {@code cert-file} and {@code key-file}, re-read on SIGHUP and
 *                      when they change) or {@code acme} (ordered from the ACME CA of {@code entente.tls.acme.*});
 *                      a new custom or ACME certificate is announced to peers and served once they pinned it, as a
 *                      renewal is
 * @param certFile      in {@code custom} mode: the PEM certificate, then the intermediates it was issued under
 * @param keyFile       in {@code custom} mode: its private key, PEM (PKCS#8; SEC1 and PKCS#1 are taken too),
 *                      unencrypted; Ed25519, ECDSA P-256 or RSA of 2048 bits or more
 * @param watchInterval how often the {@code custom} files are checked for a change (SIGHUP checks at once), and
 *                      in {@code acme} mode whether the certificate is due for renewal
 */
@ConfigurationProperties("entente.tls")
public record TlsConfiguration(@Bindable(defaultValue = "24h") String rotationGrace,
                        @Bindable(defaultValue = "365d") String certValidity,
                        @Bindable(defaultValue = "true") boolean autoRenew,
                        @Bindable(defaultValue = "self-signed") String mode,
                        @Nullable String certFile,
                        @Nullable String keyFile,
                        @Bindable(defaultValue = "10s") String watchInterval) {

    /**
     * The mode settings {@code ca} serves by, with {@code acme}'s: checked once, so a mode asked for but not
     * configured stops the start with the setting named.
     */
    public TlsModeSettings modeSettings(AcmeConfiguration acme) {
        return TlsModeSettings.of(mode, certFile, keyFile, positive("entente.tls.watch-interval", watchInterval),
                acme.directoryUrl(), acme.trustFile(), acme.email(), positive("entente.tls.acme.timeout", acme.timeout()),
                positive("entente.tls.acme.retry", acme.retry()));
    }

    private static Duration positive(String key, String text) {
        Duration d = Durations.parse(key, text, Durations.MAX);
        if (d.isZero() || d.isNegative()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, key + " must be longer than zero, not " + text);
        }
        return d;
    }
}
