package dev.entente.ca.tls;

import dev.entente.ca.crypto.Fingerprints;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Set;

/**
 * Trusts exactly the certificates whose SHA-256 fingerprints are pinned, and nothing else: the
 * hub's self-signed certificate is not in any CA store, and a pin is stronger than a hostname
 * check. Being an {@link X509ExtendedTrustManager}, it also takes over endpoint identification,
 * which is what lets the CLI dial 127.0.0.1 without that address having to match a SAN.
 */
public final class PinningTrustManager extends X509ExtendedTrustManager {
    private final Set<String> pinned;
    private final boolean pinOutlivesValidity;
    private final Clock clock;
    private volatile String presented;
    private volatile String validityProblem;

    /** Refuses a pinned certificate outside its validity window, as a hub calling a peer must. */
    public PinningTrustManager(Set<String> pinned) {
        this(pinned, false);
    }

    /**
     * @param pinOutlivesValidity accept a pinned certificate outside its validity window and
     *                            report why ({@link #validityProblem}): the local CLI pins what its
     *                            own data dir records, and must still reach the hub whose expired
     *                            certificate it has come to rotate
     */
    public PinningTrustManager(Set<String> pinned, boolean pinOutlivesValidity) {
        this(pinned, pinOutlivesValidity, Clock.systemUTC());
    }

    /** @param clock judges the validity window: a hub's own clock, the one its certificates were issued by */
    public PinningTrustManager(Set<String> pinned, boolean pinOutlivesValidity, Clock clock) {
        this.pinned = Set.copyOf(pinned);
        this.pinOutlivesValidity = pinOutlivesValidity;
        this.clock = clock;
    }

    public String presented() {
        return presented;
    }

    /** Why the presented (pinned) certificate is outside its validity window, or null. */
    public String validityProblem() {
        return validityProblem;
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        presented = Fingerprints.of(chain[0]);
        if (!pinned.contains(presented)) {
            throw new CertificateException("pin mismatch: the server presented " + presented + ", pinned " + pinned);
        }
        String problem = CertificateValidity.problem(chain[0], clock.instant());
        validityProblem = problem;
        if (problem != null && !pinOutlivesValidity) {
            throw new CertificateException(problem);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("the CLI does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("the CLI does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the CLI does not accept client connections");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
