package dev.entente.ca.authority;

import dev.entente.ca.crypto.Certificates;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns a request into a node certificate, with no database: policy check, then a leaf whose
 * subject ({@code CN=<peer hub id>}) and SAN ({@code spiffe://<our hub id>/peer/<peer id>}) are
 * set here. {@link CertificateAuthority} records what this signs; the benchmark measures it alone.
 */
public final class NodeCertificateSigner {
    /** The default node certificate lifetime ({@code entente.certs.node-ttl}). */
    public static final Duration DEFAULT_NODE_TTL = Duration.ofDays(7);

    // Ids go into a URI and a DN: allow only what needs no escaping in either.
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final String hubId;
    private final CsrPolicy policy;
    private final Duration nodeTtl;

    /**
     * @param hubId   our hub id, the trust domain of the SPIFFE URI
     * @param policy  what requests are accepted
     * @param nodeTtl how long node certificates live (clamped to the CA certificate's end)
     */
    public NodeCertificateSigner(String hubId, CsrPolicy policy, Duration nodeTtl) {
        this.hubId = requireId(hubId, "hub id");
        this.policy = Objects.requireNonNull(policy);
        if (nodeTtl.isNegative() || nodeTtl.isZero()) {
            throw new IllegalArgumentException("node certificate ttl must be positive, got " + nodeTtl);
        }
        this.nodeTtl = nodeTtl;
    }

    /** The SAN URI a peer's node certificate carries. */
    public String spiffeId(String peerId) {
        return "spiffe://" + hubId + "/peer/" + peerId;
    }

    /**
     * Checks {@code csr} against the policy and signs a node certificate for it with {@code ca}:
     * notBefore = now - {@link Certificates#BACKDATE} (never before the CA's own), notAfter = now + ttl, clamped to the CA
     * certificate's notAfter. Times are whole seconds, as X.509 stores them.
     *
     * @throws EntenteException a {@code csr_*} code when the request is refused,
     *                          {@link ErrorCode#CA_CERTIFICATE_EXPIRED} when the CA can no longer issue
     */
    public X509Certificate sign(CaKey ca, String peerId, String peerHubId, byte[] csr, Instant now) {
        requireId(peerId, "peer id");
        requireId(peerHubId, "peer hub id");
        CsrPolicy.Accepted accepted = policy.check(csr);
        Instant notBefore = max(now.minus(CaKey.BACKDATE), ca.notBefore()).truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = min(now.plus(nodeTtl), ca.notAfter()).truncatedTo(ChronoUnit.SECONDS);
        if (!notAfter.isAfter(now)) {
            throw new EntenteException(ErrorCode.CA_CERTIFICATE_EXPIRED, "the federation CA certificate "
                    + ca.fingerprint() + " expired at " + ca.notAfter() + "; rotate the CA (entente ca rotate start)");
        }
        return Certificates.nodeCertificate(accepted.publicKey(), peerHubId, spiffeId(peerId), Certificates.serial(),
                notBefore, notAfter, ca.certificate(), ca.privateKey(), ca.provider());
    }

    private static String requireId(String id, String what) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, what + " must be 1-128 characters of "
                    + "letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
