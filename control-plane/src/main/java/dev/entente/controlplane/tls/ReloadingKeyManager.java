package dev.entente.controlplane.tls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A key manager whose key and certificate can be swapped while the server runs: a TLS rotation
 * takes effect on the next handshake, with no restart and no dropped connection. The delegate is
 * the JDK's own key manager over an in-memory key store, so alias selection per signature scheme
 * stays the JDK's.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
    private static final char[] NO_PASSWORD = new char[0];
    private volatile X509ExtendedKeyManager delegate;

    public ReloadingKeyManager(PrivateKey key, X509Certificate... chain) {
        reload(key, chain);
    }

    public void reload(PrivateKey key, X509Certificate... chain) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("hub", key, NO_PASSWORD, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, NO_PASSWORD);
            for (KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x) {
                    delegate = x;
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
        return delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseClientAlias(keyType, issuers, socket);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return delegate.getServerAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return delegate.chooseServerAlias(keyType, issuers, socket);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineServerAlias(keyType, issuers, engine);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return delegate.chooseEngineClientAlias(keyType, issuers, engine);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return delegate.getPrivateKey(alias);
    }
}
