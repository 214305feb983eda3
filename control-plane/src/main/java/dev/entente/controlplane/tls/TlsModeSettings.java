package dev.entente.controlplane.tls;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.tls.SuppliedCertificate;
import dev.entente.controlplane.config.AcmeConfiguration;
import dev.entente.controlplane.config.TlsConfiguration;
import dev.entente.federation.peer.Durations;
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

    public static TlsModeSettings from(TlsConfiguration tls, AcmeConfiguration acme) {
        TlsMode mode = TlsMode.parse(tls.mode());
        Duration watch = positive("entente.tls.watch-interval", tls.watchInterval());
        Duration timeout = positive("entente.tls.acme.timeout", acme.timeout());
        Duration retry = positive("entente.tls.acme.retry", acme.retry());
        if (mode != TlsMode.CUSTOM && (tls.certFile() != null || tls.keyFile() != null)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, (tls.certFile() != null ? "entente.tls.cert-file" : "entente.tls.key-file")
                    + " is set but entente.tls.mode is " + mode.value() + "; set entente.tls.mode: custom to serve those files, or remove it");
        }
        if (mode != TlsMode.ACME && acme.directoryUrl() != null) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.acme.directory-url is set but entente.tls.mode is "
                    + mode.value() + "; set entente.tls.mode: acme to order the certificate there, or remove it");
        }
        return switch (mode) {
            case SELF_SIGNED -> new TlsModeSettings(mode, null, null, watch, null, List.of(), null, timeout, retry);
            case CUSTOM -> {
                if (tls.certFile() == null || tls.keyFile() == null) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.mode is custom but "
                            + (tls.certFile() == null ? "entente.tls.cert-file" : "entente.tls.key-file")
                            + " is not set; name the PEM certificate (with its chain) and its private key");
                }
                yield new TlsModeSettings(mode, Path.of(tls.certFile()).toAbsolutePath(), Path.of(tls.keyFile()).toAbsolutePath(),
                        watch, null, List.of(), null, timeout, retry);
            }
            case ACME -> {
                if (acme.directoryUrl() == null) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.mode is acme but entente.tls.acme.directory-url "
                            + "is not set; name the ACME CA's directory URL");
                }
                URI directory;
                try {
                    directory = URI.create(acme.directoryUrl());
                } catch (IllegalArgumentException e) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.acme.directory-url is not a URL: " + acme.directoryUrl());
                }
                if (!"https".equals(directory.getScheme()) || directory.getHost() == null) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.tls.acme.directory-url must be an https URL, not "
                            + acme.directoryUrl());
                }
                yield new TlsModeSettings(mode, null, null, watch, directory, trust(acme.trustFile()), acme.email(), timeout, retry);
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

    private static Duration positive(String key, String text) {
        Duration d = Durations.parse(key, text, Durations.MAX);
        if (d.isZero() || d.isNegative()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, key + " must be longer than zero, not " + text);
        }
        return d;
    }
}
