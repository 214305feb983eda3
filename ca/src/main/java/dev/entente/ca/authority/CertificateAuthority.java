package dev.entente.ca.authority;

import dev.entente.ca.crypto.Certificates;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The federation CA as the rest of the hub uses it: issue node certificates for peers' CSRs,
 * record and revoke them, answer the rotation's laggard question, and hand out and check
 * against the trust bundle.
 *
 * <p>Writes take the caller's {@link Connection}: an issuance commits together with the peer
 * transition that asked for it (ENROLL, renewal) and its {@code ca.certificate_issued} audit event,
 * or not at all. Which key signs is read from the database on every call, so a rotation step
 * taken on another replica applies here at once.
 */
public final class CertificateAuthority {
    /** The audit actor of CA events. */
    public static final String ACTOR = EventSource.CA.actor();
    private static final String KP_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final Tx tx;
    private final FederationCa ca;
    private final NodeCertificateSigner signer;
    private final AuditLog audit;
    private final Clock clock;
    private final IssuedCertificates records;

    /**
     * @param tx      for the reads that run on their own ({@link #trustBundle()}, {@link #verifyClientChain})
     * @param issued  the generated repository of {@code issued_certificates}, of the bean context {@code tx} belongs to
     * @param ca      the CA keys
     * @param policy  what CSRs are accepted
     * @param nodeTtl node certificate lifetime ({@code entente.certs.node-ttl}, default 7d)
     * @param audit   where issuances and revocations are recorded
     * @param clock   the time source
     */
    public CertificateAuthority(Tx tx, IssuedCertificateTable issued, FederationCa ca, CsrPolicy policy, Duration nodeTtl,
                                AuditLog audit, Clock clock) {
        this.tx = tx;
        this.records = new IssuedCertificates(issued);
        this.ca = ca;
        this.signer = new NodeCertificateSigner(ca.hubId(), policy, nodeTtl);
        this.audit = Objects.requireNonNull(audit);
        this.clock = clock;
    }

    /** The SAN URI a peer's node certificates carry: {@code spiffe://<our hub id>/peer/<peer id>}. */
    public String spiffeId(String peerId) {
        return signer.spiffeId(peerId);
    }

    /**
     * Checks {@code csr} against the policy, signs a node certificate for {@code peerId} with the
     * current signing key, and records it with a {@code ca.certificate_issued} audit event, all on
     * {@code c}.
     *
     * @param peerId    our id of the peer (goes into the SAN)
     * @param peerHubId the peer's hub id (goes into the subject CN)
     * @param csr       PKCS#10, PEM or DER
     * @throws EntenteException {@code csr_*} (400/422) when the request is refused
     */
    public IssuedCertificate issue(Connection c, String peerId, String peerHubId, byte[] csr) throws SQLException {
        Instant now = clock.instant();
        CaKey signing = ca.signingKey(c);
        X509Certificate cert = signer.sign(signing, peerId, peerHubId, csr, now);
        IssuedCertificate issued = new IssuedCertificate(cert.getSerialNumber().toString(16),
                Certificates.fingerprint(cert), peerId, cert.getSubjectX500Principal().getName(), signing.fingerprint(),
                cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(), Certificates.toPem(cert), null, null, now);
        records.insert(issued, now);
        AuditDetails details = AuditDetails.of()
                .put("serial", issued.serial())
                .put("fingerprint", issued.fingerprint())
                .put("signer_fingerprint", issued.signerFingerprint())
                .put("signer_key_id", signing.id())
                .put("subject", issued.subject())
                .put("not_after", issued.notAfter());
        audit.append(c, AuditEvent.of(AuditEventType.CA_CERTIFICATE_ISSUED, ACTOR, peerId, details));
        return records.bySerial(issued.serial()).orElseThrow();
    }

    /**
     * Revokes one certificate. Revoking a revoked certificate is a no-op that keeps the first
     * time and reason; returns whether this call revoked it.
     *
     * @throws EntenteException {@link ErrorCode#NOT_FOUND} when no certificate has this serial
     */
    public boolean revoke(Connection c, String serial, String reason) throws SQLException {
        String s = normaliseSerial(serial);
        String why = requireReason(reason);
        IssuedCertificate cert = records.bySerial(s).orElseThrow(() -> new EntenteException(ErrorCode.NOT_FOUND,
                "no certificate with serial " + s + " was issued by this hub's federation CA"));
        if (!records.revoke(s, why, clock.instant())) {
            return false;
        }
        audit.append(c, AuditEvent.of(AuditEventType.CA_CERTIFICATE_REVOKED, ACTOR, cert.peerId(),
                Map.of("serial", s, "fingerprint", cert.fingerprint(), "reason", why)));
        return true;
    }

    /** Revokes every unrevoked certificate of {@code peerId} (peer REVOKE); returns the serials revoked now. */
    public List<String> revokeAllForPeer(Connection c, String peerId, String reason) throws SQLException {
        String why = requireReason(reason);
        List<String> serials = records.revokeAllForPeer(c, peerId, why, clock.instant());
        if (!serials.isEmpty()) {
            audit.append(c, AuditEvent.of(AuditEventType.CA_CERTIFICATE_REVOKED, ACTOR, peerId,
                    Map.of("serials", serials, "reason", why)));
        }
        return serials;
    }

    /** The certificate with this serial (hex, any case), if this CA issued it. */
    public Optional<IssuedCertificate> findBySerial(Connection c, String serial) throws SQLException {
        return records.bySerial(normaliseSerial(serial));
    }

    /** The certificate with this SHA-256 fingerprint (hex, any case), if this CA issued it. */
    public Optional<IssuedCertificate> findByFingerprint(Connection c, String fingerprint) throws SQLException {
        return records.byFingerprint(fingerprint.toLowerCase(Locale.ROOT));
    }

    /** Every certificate issued to {@code peerId}, oldest first. */
    public List<IssuedCertificate> listForPeer(Connection c, String peerId) throws SQLException {
        return records.forPeer(peerId);
    }

    /**
     * Peers that still hold a live (unexpired, unrevoked) certificate signed by the CA
     * certificate with {@code signerFingerprint}: the rotation's update_clients → update_servers
     * guard asks this for the old key.
     */
    public List<String> laggards(Connection c, String signerFingerprint, Instant now) throws SQLException {
        return records.laggards(signerFingerprint, now);
    }

    /** The trust bundle, read on {@code c}. */
    public TrustBundle trustBundle(Connection c) throws SQLException {
        return new TrustBundle(ca.trustedCertificates(c));
    }

    /** The trust bundle, read now. */
    public TrustBundle trustBundle() {
        return tx.read(this::trustBundle);
    }

    /** The trusted CA certificates, read now. */
    public List<X509Certificate> trustedCertificates() {
        return trustBundle().certificates();
    }

    /**
     * Decides whether a client certificate presented over mTLS is good at {@code now}: signed by a
     * CA certificate of the current trust bundle, both within validity, a leaf with clientAuth,
     * issued by this hub and not revoked. Returns its issuance record, which names the peer.
     *
     * @throws EntenteException {@code client_cert_untrusted}, {@code client_cert_expired},
     *                          {@code client_cert_not_yet_valid}, {@code client_cert_usage_invalid},
     *                          {@code client_cert_unknown} or {@code client_cert_revoked} (all 401)
     */
    public IssuedCertificate verifyClientChain(X509Certificate leaf, Instant now) {
        return tx.read(c -> verifyClientChain(c, leaf, now));
    }

    /**
     * {@link #verifyClientChain(X509Certificate, Instant)} on the caller's connection. A refused
     * certificate this hub issued carries its peer in the {@code peer_id} extension, so the
     * refusal is audited as that peer's; an expired one or one under a retired CA key names the
     * re-enrolment that is the only way back (renewal needs a certificate that still works).
     */
    public IssuedCertificate verifyClientChain(Connection c, X509Certificate leaf, Instant now) throws SQLException {
        String fingerprint = Certificates.fingerprint(leaf);
        Optional<IssuedCertificate> known = records.byFingerprint(c, fingerprint);
        // The refusal names the peer (a problem member) when the certificate is one this hub issued.
        Map<String, String> who = known.map(r -> Map.of("peer_id", r.peerId())).orElse(Map.of());
        String whose = known.map(r -> " of peer " + r.peerId()).orElse("");
        X509Certificate issuer = trustedIssuer(ca.trustedCertificates(c), leaf);
        if (issuer == null) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_UNTRUSTED, known.isPresent()
                    ? "client certificate " + fingerprint + whose + " is signed by a CA key this hub no longer trusts "
                    + "(a CA rotation retired it before the peer renewed); " + reenrolment(known.get())
                    : "client certificate " + fingerprint + " is not signed by a CA certificate in this hub's federation "
                    + "trust bundle; the peer needs a node certificate from this hub (re-run the handshake or renew)", who);
        }
        checkValidity(issuer, "the federation CA certificate " + Certificates.fingerprint(issuer), now, known, who);
        checkValidity(leaf, "client certificate " + fingerprint + whose, now, known, who);
        checkUsage(leaf, fingerprint);
        IssuedCertificate record = known.orElseThrow(() -> new EntenteException(
                ErrorCode.CLIENT_CERT_UNKNOWN, "client certificate " + fingerprint + " chains to this hub's CA but no "
                + "issuance record maps it to a peer (database restored from an older backup?); the peer must renew"));
        if (record.revoked()) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_REVOKED, "client certificate " + fingerprint + " of peer "
                    + record.peerId() + " was revoked at " + record.revokedAt() + ": " + record.revocationReason(), who);
        }
        return record;
    }

    /** A client certificate {@link #verifyClientChain} admits, with the CA certificate it chains to. */
    public record AdmittedClient(IssuedCertificate record, X509Certificate leaf, X509Certificate issuer) {
    }

    /**
     * The certificates among {@code serials} that {@link #verifyClientChain(Connection, X509Certificate, Instant)}
     * would admit at {@code now}, read in two queries whatever their number: what a restarted hub
     * warms its access cache with, so that a returning peer's first request reads nothing. One it
     * would refuse is left out; its holder takes the full path and gets the precise refusal.
     *
     * <p>The issuer is found by the signer fingerprint this CA recorded when it signed, not by
     * checking each signature again: ten thousand Ed25519 verifications are seconds of CPU at the
     * worst moment, a start. A cached entry only ever admits a client certificate byte-equal to
     * the recorded one, whose chain the TLS handshake has verified against the hub's federation CAs.
     */
    public List<AdmittedClient> admittedClients(Collection<String> serials, Instant now) {
        return tx.read(c -> admittedClients(c, serials, now));
    }

    /** {@link #admittedClients(Collection, Instant)} on the caller's connection. */
    public List<AdmittedClient> admittedClients(Connection c, Collection<String> serials, Instant now) throws SQLException {
        Map<String, X509Certificate> bundle = new HashMap<>();
        for (X509Certificate trusted : ca.trustedCertificates(c)) {
            bundle.put(Certificates.fingerprint(trusted), trusted);
        }
        List<AdmittedClient> admitted = new ArrayList<>();
        for (IssuedCertificate record : records.liveBySerials(c, serials, now)) {
            X509Certificate issuer = bundle.get(record.signerFingerprint());
            if (issuer == null) {
                continue;
            }
            X509Certificate leaf = record.certificate();
            if (leaf.getIssuerX500Principal().equals(issuer.getSubjectX500Principal()) && within(issuer, now)
                    && within(leaf, now) && usableForClients(leaf)) {
                admitted.add(new AdmittedClient(record, leaf, issuer));
            }
        }
        return admitted;
    }

    private static boolean within(X509Certificate cert, Instant now) {
        try {
            cert.checkValidity(Date.from(now));
            return true;
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            return false;
        }
    }

    /** The way back for a peer whose certificate can no longer authenticate it. */
    private String reenrolment(IssuedCertificate record) {
        return "renewal needs a working certificate, so the link re-enrols: on hub " + ca.hubId() + " run 'entente peers "
                + "reenroll " + record.peerId() + "', then on the peer's hub 'entente peers reenroll --token TOKEN'";
    }

    private static X509Certificate trustedIssuer(List<X509Certificate> bundle, X509Certificate leaf) {
        for (X509Certificate candidate : bundle) {
            // Both CA certificates of a rotation share one subject: only the signature tells them apart.
            if (!candidate.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
                continue;
            }
            try {
                leaf.verify(candidate.getPublicKey());
                return candidate;
            } catch (GeneralSecurityException e) {
                // not this one; try the other trusted certificate
            }
        }
        return null;
    }

    private void checkValidity(X509Certificate cert, String what, Instant now, Optional<IssuedCertificate> known,
                               Map<String, String> who) {
        try {
            cert.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_EXPIRED, what + " expired at "
                    + cert.getNotAfter().toInstant() + "; " + known.map(this::reenrolment)
                    .orElse("the peer must renew its node certificate"), who);
        } catch (CertificateNotYetValidException e) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_NOT_YET_VALID, what + " is valid only from "
                    + cert.getNotBefore().toInstant() + "; check both hubs' clocks", who);
        }
    }

    private static boolean usableForClients(X509Certificate leaf) {
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            eku = null;
        }
        return leaf.getBasicConstraints() == -1 && eku != null && eku.contains(KP_CLIENT_AUTH);
    }

    private static void checkUsage(X509Certificate leaf, String fingerprint) {
        if (!usableForClients(leaf)) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_USAGE_INVALID, "client certificate " + fingerprint
                    + " is a CA certificate or lacks the clientAuth extended key usage");
        }
    }

    private static String normaliseSerial(String serial) {
        String s = serial == null ? "" : serial.toLowerCase(Locale.ROOT).replace(":", "");
        if (!s.matches("[0-9a-f]{1,40}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "a certificate serial is hexadecimal, got '" + serial + "'");
        }
        return s.replaceFirst("^0+(?=.)", ""); // BigInteger.toString(16) has no leading zeros
    }

    private static String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "a revocation needs a reason");
        }
        return reason.strip();
    }
}
