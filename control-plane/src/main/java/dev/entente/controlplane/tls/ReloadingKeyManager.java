package dev.entente.controlplane.tls;

import dev.entente.ca.tls.BrowserCertificate;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A key manager whose key and certificate can be swapped while the server runs: a TLS rotation
 * takes effect on the next handshake, with no restart and no dropped connection. The delegate is
 * the JDK's own key manager over an in-memory key store, so alias selection per signature scheme
 * stays the JDK's.
 *
 * <p>While an ACME TLS-ALPN-01 validation is pending it also answers the CA's validation
 * handshakes, those that negotiated {@code acme-tls/1} (RFC 8737), with the challenge certificate;
 * every other handshake gets the hub's certificate as before. The JDK picks the server's
 * certificate after it has chosen the application protocol, which is what lets this decide.
 *
 * <p>When the hub's key is Ed25519 it also holds {@link BrowserCertificate}, an ECDSA P-256
 * certificate derived from that key, for clients that cannot verify Ed25519: browsers. The JDK asks
 * for a key type per signature scheme in the client's order of preference, and its own clients
 * (peers, the CLI) list ECDSA before Ed25519, so a client that offers Ed25519 is refused the ECDSA
 * certificate here: everything that pins the hub's Ed25519 certificate keeps getting it.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    /** The ALPN protocol of TLS-ALPN-01 validation handshakes. */
    public static final String ACME_TLS_1 = "acme-tls/1";
    private static final String CHALLENGE_ALIAS = "acme-tls-alpn-01:";
    private static final char[] NO_PASSWORD = new char[0];
    /** Swapped as one, so no handshake sees a new key with the old browser certificate or the reverse. */
    private volatile Keys keys;

    private record Keys(X509ExtendedKeyManager delegate, X509Certificate browser) {
    }
    private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();

    private record Challenge(PrivateKey key, X509Certificate certificate) {
    }

    public ReloadingKeyManager(PrivateKey key, X509Certificate... chain) {
        reload(key, chain);
    }

    public void reload(PrivateKey key, X509Certificate... chain) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("hub", key, NO_PASSWORD, chain);
            BrowserCertificate.Derived browser = BrowserCertificate.needed(key) ? BrowserCertificate.derive(key, chain[0]) : null;
            if (browser != null) {
                ks.setKeyEntry("browser", browser.key(), NO_PASSWORD, new X509Certificate[]{browser.certificate()});
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            for (KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x) {
                    keys = new Keys(x, browser == null ? null : browser.certificate());
                    return;
                }
            }
            throw new IllegalStateException("no X509ExtendedKeyManager from " + kmf.getAlgorithm());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot load the hub TLS key: " + e.getMessage(), e);
        }
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return keys.delegate().getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return keys.delegate().chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return keys.delegate().getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return keys.delegate().chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (engine != null && !challenges.isEmpty() && ACME_TLS_1.equals(engine.getHandshakeApplicationProtocol())) {
            // A validation handshake never gets the hub's own certificate, whatever the key type.
            String name = challengeFor(engine);
            Challenge c = name == null ? null : challenges.get(name);
            return c != null && keyType.equals(c.key().getAlgorithm()) ? CHALLENGE_ALIAS + name : null;
        }
        Keys k = keys;
        if (k.browser() != null && "EC".equals(keyType) && offersEd25519(engine)) {
            return null;
        }
        return k.delegate().chooseEngineServerAlias(keyType, issuers, engine);
    }

    /** The certificate browsers are served while the hub's own is Ed25519; empty otherwise. */
    public java.util.Optional<X509Certificate> browserCertificate() {
        return java.util.Optional.ofNullable(keys.browser());
    }

    /** Whether the client's signature_algorithms include Ed25519; when the session cannot say, as if they did. */
    private static boolean offersEd25519(SSLEngine engine) {
        if (engine == null || !(engine.getHandshakeSession() instanceof ExtendedSSLSession session)) {
            return true;
        }
        String[] offered = session.getPeerSupportedSignatureAlgorithms();
        if (offered == null || offered.length == 0) {
            return true;
        }
        for (String algorithm : offered) {
            if (algorithm.equalsIgnoreCase("Ed25519") || algorithm.equalsIgnoreCase("EdDSA")) {
                return true;
            }
        }
        return false;
    }

    /** Answers TLS-ALPN-01 validation handshakes for {@code name} with {@code certificate} until withdrawn. */
    public void presentChallenge(String name, PrivateKey key, X509Certificate certificate) {
        challenges.put(name.toLowerCase(Locale.ROOT), new Challenge(key, certificate));
    }

    public void withdrawChallenge(String name) {
        challenges.remove(name.toLowerCase(Locale.ROOT));
    }

    /** Whether a validation is pending: only then does the server agree to {@code acme-tls/1}. */
    public boolean challengePending() {
        return !challenges.isEmpty();
    }

    /** The pending challenge's name the client asked for by SNI; the only one when it sent none (an IP identifier). */
    private String challengeFor(SSLEngine engine) {
        if (engine.getHandshakeSession() instanceof ExtendedSSLSession session) {
            for (SNIServerName sni : session.getRequestedServerNames()) {
                if (sni instanceof SNIHostName host) {
                    return host.getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return challenges.size() == 1 ? challenges.keySet().iterator().next() : null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return keys.delegate().chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        if (alias != null && alias.startsWith(CHALLENGE_ALIAS)) {
            Challenge c = challenges.get(alias.substring(CHALLENGE_ALIAS.length()));
            return c == null ? null : new X509Certificate[]{c.certificate()};
        }
        return keys.delegate().getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        if (alias != null && alias.startsWith(CHALLENGE_ALIAS)) {
            Challenge c = challenges.get(alias.substring(CHALLENGE_ALIAS.length()));
            return c == null ? null : c.key();
        }
        return keys.delegate().getPrivateKey(alias);
    }
}
