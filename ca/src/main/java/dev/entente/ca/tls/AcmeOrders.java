package dev.entente.ca.tls;

import dev.entente.ca.crypto.Certificates;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * Orders the hub's TLS certificate from an ACME CA (RFC 8555) with acme4j, proving control of the
 * hub's name by TLS-ALPN-01 (RFC 8737) on the hub's own port: the hub serves only TLS, so the
 * challenge is answered by the server it already runs, through a {@link ChallengeResponder}.
 * The certificate's key is a fresh ECDSA P-256 key per order, the kind every ACME CA issues for.
 */
public final class AcmeOrders {
    private final URI directory;
    private final List<X509Certificate> trustedRoots;
    private final String email;
    private final Duration timeout;
    private Session session;

    /**
     * @param directory    the CA's directory URL
     * @param trustedRoots the roots the CA's HTTPS certificate must chain to; empty: the JDK's trust store
     * @param email        contact address for the account, or null
     * @param timeout      how long a validation or the issuance may take
     */
    public AcmeOrders(URI directory, List<X509Certificate> trustedRoots, String email, Duration timeout) {
        this.directory = directory;
        this.trustedRoots = List.copyOf(trustedRoots);
        this.email = email;
        this.timeout = timeout;
    }

    /** Serves the TLS-ALPN-01 challenge certificate for a name while the CA validates it. */
    public interface ChallengeResponder {
        /** From now on, handshakes for {@code name} that negotiate {@code acme-tls/1} get {@code certificate}. */
        void present(String name, KeyPair key, X509Certificate certificate);

        /** The validation of {@code name} is over: ordinary handshakes only. */
        void withdraw(String name);
    }

    /**
     * An order that did not end in a certificate, with the CA's problem document when it sent one.
     *
     * @param type   the problem type ({@code urn:ietf:params:acme:error:connection}), or {@code network}
     *               when the CA could not be reached or answered no problem document
     * @param detail what went wrong, in the CA's words when it said
     */
    public static final class AcmeFailure extends Exception {
        private final String type;
        private final String detail;

        public AcmeFailure(String type, String detail, Throwable cause) {
            super(type + ": " + detail, cause);
            this.type = type;
            this.detail = detail;
        }

        public String type() {
            return type;
        }

        public String detail() {
            return detail;
        }
    }

    /**
     * Registers (or finds) the account of {@code accountKey}, orders a certificate for {@code name},
     * answers its TLS-ALPN-01 challenge through {@code responder}, and returns the issued chain
     * with its key. Blocks for up to a few times {@code timeout}; run it off the request threads.
     */
    public synchronized SuppliedCertificate order(KeyPair accountKey, String name, ChallengeResponder responder)
            throws AcmeFailure, InterruptedException {
        try {
            AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
            if (email != null) {
                builder.addEmail(email);
            }
            Account account = builder.create(session());
            Identifier identifier = Certificates.isAddress(name) ? Identifier.ip(name) : Identifier.dns(name);
            Order order = account.newOrder().identifier(identifier).create();
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() != Status.VALID) {
                    authorize(auth, responder);
                }
            }
            KeyPair certificateKey = Certificates.ecP256();
            order.waitUntilReady(timeout);
            order.execute(certificateKey);
            Status status = order.waitForCompletion(timeout);
            if (status != Status.VALID) {
                throw failure(order.getError().orElse(null), "the order ended " + status.name().toLowerCase(java.util.Locale.ROOT));
            }
            List<X509Certificate> chain = order.getCertificate().getCertificateChain();
            return new SuppliedCertificate(chain, certificateKey.getPrivate(), "EC-P256");
        } catch (AcmeServerException e) {
            throw failure(e.getProblem(), e.getMessage());
        } catch (AcmeException e) {
            throw new AcmeFailure("network", "the ACME CA at " + directory + " did not answer as expected: " + causes(e), e);
        }
    }

    private void authorize(Authorization auth, ChallengeResponder responder)
            throws AcmeException, AcmeFailure, InterruptedException {
        String name = auth.getIdentifier().getValue();
        TlsAlpn01Challenge challenge = auth.findChallenge(TlsAlpn01Challenge.class).orElseThrow(() ->
                new AcmeFailure("unsupported_challenge", "the ACME CA offers no tls-alpn-01 challenge for " + name
                        + "; the hub answers only that one, on its own port", null));
        // acme4j signs the challenge certificate with SHA256withRSA whatever the key: an RSA key it must be
        KeyPair challengeKey = rsa2048();
        responder.present(name, challengeKey, challenge.createCertificate(challengeKey, auth.getIdentifier()));
        try {
            challenge.trigger();
            Status status = challenge.waitForCompletion(timeout);
            if (status != Status.VALID) {
                throw failure(challenge.getError().orElse(null), "the tls-alpn-01 validation of " + name + " ended "
                        + status.name().toLowerCase(java.util.Locale.ROOT));
            }
        } finally {
            responder.withdraw(name);
        }
    }

    private static KeyPair rsa2048() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA unavailable in this JDK", e);
        }
    }

    /** The exception's message and its causes': acme4j's "Network error" alone names no cause. */
    private static String causes(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t.getMessage() != null && !out.toString().contains(t.getMessage())) {
                out.append(": ").append(t.getMessage());
            }
        }
        return out.toString();
    }

    private static AcmeFailure failure(Problem problem, String fallback) {
        if (problem == null) {
            return new AcmeFailure("unknown", fallback, null);
        }
        return new AcmeFailure(problem.getType().toString(), problem.getDetail().orElse(fallback), null);
    }

    private Session session() throws AcmeFailure {
        if (session == null) {
            session = new Session(directory, new TrustingProvider(trustContext()));
        }
        return session;
    }

    private SSLContext trustContext() throws AcmeFailure {
        try {
            if (trustedRoots.isEmpty()) {
                return SSLContext.getDefault();
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trustedRoots.size(); i++) {
                store.setCertificateEntry("root-" + i, trustedRoots.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new AcmeFailure("network", "cannot set up TLS to the ACME CA: " + e.getMessage(), e);
        }
    }

    /** acme4j's generic provider, over an HTTP client that trusts the configured roots. */
    private static final class TrustingProvider extends GenericAcmeProvider {
        private final SSLContext trust;

        TrustingProvider(SSLContext trust) {
            this.trust = trust;
        }

        @Override
        public HttpClient createHttpClient(NetworkSettings settings) {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(settings.getTimeout())
                    .proxy(settings.getProxySelector())
                    .sslContext(trust);
            if (settings.getAuthenticator() != null) {
                builder.authenticator(settings.getAuthenticator());
            }
            return builder.build();
        }
    }
}
