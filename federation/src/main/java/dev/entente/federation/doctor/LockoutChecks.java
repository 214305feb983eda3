package dev.entente.federation.doctor;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.ca.crypto.Certificates;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerState;
import dev.entente.federation.reenrol.Reenrolment;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Links locked out by a dead node certificate, seen from both ends: renewal rides on heartbeats,
 * which such a certificate no longer authenticates, so these never heal by themselves and each
 * finding names the re-enrolment that restores the link.
 */
public final class LockoutChecks {
    /** States in which a link's certificates are in use. */
    private static final Set<PeerState> LINKED = Set.of(PeerState.ENROLLED, PeerState.ACTIVE, PeerState.DEGRADED,
            PeerState.SUSPENDED);
    /** The peer's refusals of our heartbeat that only re-enrolment cures. */
    private static final List<ErrorCode> REFUSED_CERTIFICATE = List.of(ErrorCode.CLIENT_CERT_EXPIRED,
            ErrorCode.CLIENT_CERT_UNTRUSTED, ErrorCode.CLIENT_CERT_REVOKED, ErrorCode.CLIENT_CERT_UNKNOWN);

    private final PeerRepository peers;
    private final CertificateAuthority authority;
    private final String hubId;

    public LockoutChecks(PeerRepository peers, CertificateAuthority authority, String hubId) {
        this.peers = peers;
        this.authority = authority;
        this.hubId = hubId;
    }

    /** DR021: the node certificate this hub issued a linked peer can no longer authenticate it. */
    private List<Finding> issued(Instant now) {
        List<String> trusted = authority.trustBundle().fingerprints();
        List<Finding> out = new ArrayList<>();
        for (Peer p : peers.list()) {
            if (!LINKED.contains(p.state()) || p.nodeCertSerial() == null) {
                continue;
            }
            Optional<IssuedCertificate> cert = peers.tx().read(c -> authority.findBySerial(c, p.nodeCertSerial()));
            cert.flatMap(issued -> Reenrolment.whyDead(issued, trusted, now)).ifPresent(why ->
                    out.add(Finding.of(DoctorCode.DR021, "peer " + p.name() + "'s node certificate " + p.nodeCertSerial()
                            + " " + why + ": it cannot renew over heartbeats any more; run 'entente peers reenroll "
                            + p.id() + "' and give the token to its operator", "entente peers reenroll " + p.id(),
                            p.id().toString())));
        }
        return out;
    }

    /** DR022: the node certificate a linked peer issued this hub is expired, or the peer refuses it. */
    private List<Finding> own(Instant now) {
        List<Finding> out = new ArrayList<>();
        for (Peer p : peers.list()) {
            if (!LINKED.contains(p.state()) || p.clientCertPem() == null) {
                continue;
            }
            X509Certificate cert = Certificates.parsePem(p.clientCertPem()).get(0);
            String why = null;
            if (!now.isBefore(cert.getNotAfter().toInstant())) {
                why = "expired at " + cert.getNotAfter().toInstant();
            } else if (p.lastHeartbeatError() != null) {
                why = REFUSED_CERTIFICATE.stream().filter(code -> p.lastHeartbeatError().contains(code.code() + ":"))
                        .findFirst().map(code -> "is refused by the peer (" + code.code() + ")").orElse(null);
            }
            if (why != null) {
                out.add(Finding.of(DoctorCode.DR022, "this hub's node certificate for peer " + p.name() + " (issued by "
                        + p.hubId() + ") " + why + ": this hub is locked out of it; on " + p.hubId() + " run 'entente peers "
                        + "reenroll " + hubId + "', then here 'entente peers reenroll --token TOKEN'",
                        "entente peers reenroll --token TOKEN", p.id().toString()));
            }
        }
        return out;
    }

    public List<DoctorCheck> all() {
        return List.of(Checks.of(DoctorCode.DR021, true, this::issued), Checks.of(DoctorCode.DR022, true, this::own));
    }
}
