package dev.entente.ca.tls;

import dev.entente.ca.crypto.Certificates;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The TLS mode settings, checked once at start: a mode the hub does not know, a custom mode
 * without its files, files set for another mode, or an ACME mode without a directory stop the
 * start with the setting named, rather than a hub serving something else than asked.
 *
 * @param certFile      {@code entente.tls.cert-file}, custom mode only
 * @param keyFile       {@code entente.tls.key-file}, custom mode only
 * @param watchInterval how often the files (custom) or the certificate's renewal (acme) are checked
 * @param acmeDirectory {@code entente.tls.acme.directory-url}, acme mode only
 * @param acmeTrust     the roots of {@code entente.tls.acme.trust-file}; empty: the runtime's CA store
 */
public record TlsModeSettings(TlsMode mode, Path certFile, Path keyFile, Duration watchInterval, URI acmeDirectory,
                              List<X509Certificate> acmeTrust, String acmeEmail, Duration acmeTimeout,
                              Duration acmeRetry) {

    /**
     * The settings as configured, checked against each other.
     *
     * @param modeSetting {@code entente.tls.mode}
     * @param watch       {@code entente.tls.watch-interval}, longer than zero
     * @param timeout     {@code entente.tls.acme.timeout}, longer than zero
     * @param retry       {@code entente.tls.acme.retry}, longer than zero
     * @throws EntenteException {@link ErrorCode#INVALID_REQUEST} naming the setting that does not fit
     */
    public static TlsModeSettings of(String modeSetting, String certFile, String keyFile, Duration watch,
                                     String acmeDirectoryUrl, String acmeTrustFile, String acmeEmail, Duration timeout,
                                     Duration retry) {
        TlsMode mode = TlsMode.parse(modeSetting);
        if (mode != TlsMode.CUSTOM && (certFile != null || keyFile != null)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, (certFile != null ? "entente.tls.cert-file" : "entente.tls.key-file")
                    + " is set but entente.tls.mode is " + mode.value() + "; set entente.tls.mode: custom to serve those files, or remove it");
        }
        if (mode != TlsMode.ACME && acmeDirectoryUrl != null) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.acme.directory-url is set but entente.tls.mode is "
                    + mode.value() + "; set entente.tls.mode: acme to order the certificate there, or remove it");
        }
        return switch (mode) {
            case SELF_SIGNED -> new TlsModeSettings(mode, null, null, watch, null, List.of(), null, timeout, retry);
            case CUSTOM -> {
                if (certFile == null || keyFile == null) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.mode is custom but "
                            + (certFile == null ? "entente.tls.cert-file" : "entente.tls.key-file")
                            + " is not set; name the PEM certificate (with its chain) and its private key");
                }
                yield new TlsModeSettings(mode, Path.of(certFile).toAbsolutePath(), Path.of(keyFile).toAbsolutePath(),
                        watch, null, List.of(), null, timeout, retry);
            }
            case ACME -> {
                if (acmeDirectoryUrl == null) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.mode is acme but entente.tls.acme.directory-url "
                            + "is not set; name the ACME CA's directory URL");
                }
                URI directory;
                try {
                    directory = URI.create(acmeDirectoryUrl);
                } catch (IllegalArgumentException e) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.acme.directory-url is not a URL: " + acmeDirectoryUrl);
                }
                if (!"https".equals(directory.getScheme()) || directory.getHost() == null) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.acme.directory-url must be an https URL, not "
                            + acmeDirectoryUrl);
                }
                yield new TlsModeSettings(mode, null, null, watch, directory, trust(acmeTrustFile), acmeEmail, timeout, retry);
            }
        };
    }

    /**
     * Reads and checks the custom mode's files for serving as {@code hubName}.
     *
     * @throws EntenteException {@link ErrorCode#TLS_CERTIFICATE_UNUSABLE} naming the setting and the file
     */
    public SuppliedCertificate readFiles(String hubName) {
        String chain = read("entente.tls.cert-file", certFile);
        String key = read("entente.tls.key-file", keyFile);
        try {
            return SuppliedCertificate.of(chain, key, hubName);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            boolean aboutKey = message.startsWith("key: ");
            String setting = aboutKey ? "entente.tls.key-file" : "entente.tls.cert-file";
            Path file = aboutKey ? keyFile : certFile;
            throw new EntenteException(ErrorCode.TLS_CERTIFICATE_UNUSABLE,
                    setting + " (" + file + "): " + message.substring(message.indexOf(": ") + 2), e);
        }
    }

    private static String read(String setting, Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | SecurityException e) {
            throw new EntenteException(ErrorCode.TLS_CERTIFICATE_UNUSABLE, setting + " (" + file + ") cannot be read: "
                    + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()), e);
        }
    }

    private static List<X509Certificate> trust(String file) {
        if (file == null) {
            return List.of();
        }
        String pem = read("entente.tls.acme.trust-file", Path.of(file).toAbsolutePath());
        try {
            List<X509Certificate> roots = Certificates.parsePem(pem);
            if (roots.isEmpty()) {
                throw new IllegalArgumentException("no PEM certificate in it");
            }
            return roots;
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.TLS_CERTIFICATE_UNUSABLE, "entente.tls.acme.trust-file (" + file + "): " + e.getMessage(), e);
        }
    }
}
