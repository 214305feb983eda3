package dev.entente.federation.doctor;

import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.tls.RenewalAdvice;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerState;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;
import dev.entente.lifecycle.doctor.Severity;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Checks of the hub's listener, the one peers dial: the certificate it serves and the address it
 * is bound to, against the peers that must reach it. The shell gives the listener's facts.
 */
public final class ListenerChecks {
    /** A certificate expiring within this window is a warning: time to rotate without a rush. */
    static final Duration TLS_EXPIRY_WARNING = Duration.ofDays(30);

    private final Supplier<TlsKey> servedCertificate;
    private final Supplier<RenewalAdvice> renewal;
    private final String bind;
    private final boolean loopbackOnly;
    private final IntSupplier boundPort;
    private final PeerRepository peers;

    /**
     * @param servedCertificate the TLS certificate the listener serves now (rotations replace it)
     * @param renewal           how that certificate is renewed in the hub's TLS mode, as of now
     * @param bind              the address it is bound to ({@code entente.hub.bind})
     * @param loopbackOnly      whether that address is loopback only
     * @param boundPort         the port it got (known once the server is up)
     */
    public ListenerChecks(Supplier<TlsKey> servedCertificate, Supplier<RenewalAdvice> renewal, String bind,
                          boolean loopbackOnly, IntSupplier boundPort, PeerRepository peers) {
        this.servedCertificate = servedCertificate;
        this.renewal = renewal;
        this.bind = bind;
        this.loopbackOnly = loopbackOnly;
        this.boundPort = boundPort;
        this.peers = peers;
    }

    /**
     * DR003: the served certificate's not-after against now, with the fix of the hub's TLS mode
     * ({@code tls rotate} only makes self-signed certificates). In memory: works with the database down.
     */
    private List<Finding> tlsExpiry(Instant now) {
        TlsKey current = servedCertificate.get();
        Instant notAfter = current.notAfter();
        if (!notAfter.isAfter(now)) {
            RenewalAdvice advice = renewal.get();
            return List.of(Finding.of(DoctorCode.DR003, "the hub's TLS certificate expired at " + notAfter
                    + " (" + Checks.human(Duration.between(notAfter, now)) + " ago); peers and the CLI refuse it" + fix(advice),
                    advice.nextCommand(), current.fingerprint()).withSeverity(Severity.ERROR));
        }
        if (notAfter.isBefore(now.plus(TLS_EXPIRY_WARNING))) {
            RenewalAdvice advice = renewal.get();
            return List.of(Finding.of(DoctorCode.DR003, "the hub's TLS certificate expires at " + notAfter
                    + ", in " + Checks.human(Duration.between(now, notAfter)) + fix(advice), advice.nextCommand(),
                    current.fingerprint()));
        }
        return List.of();
    }

    private static String fix(RenewalAdvice advice) {
        return advice.fix() == null ? "" : "; " + advice.fix();
    }

    /**
     * DR004: bound to loopback while a live peer is, or will be, elsewhere. A proposed peer's
     * address is not known yet, and it will dial our public URL, which loopback makes unreachable.
     */
    private List<Finding> loopback(Instant now) {
        if (!loopbackOnly) {
            return List.of();
        }
        List<String> remote = new ArrayList<>();
        for (Peer p : peers.list()) {
            if (p.state() != PeerState.REVOKED && !isLoopback(p.url())) {
                remote.add(p.name());
            }
        }
        if (remote.isEmpty()) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR004, "the hub listens on " + listening() + " only, but peer(s) "
                        + String.join(", ", remote) + " must reach it from another machine",
                "entente start --bind 0.0.0.0 --port " + boundPort.getAsInt(), bind));
    }

    public List<DoctorCheck> all() {
        return List.of(Checks.of(DoctorCode.DR003, false, this::tlsExpiry), Checks.of(DoctorCode.DR004, true, this::loopback));
    }

    private String listening() {
        return (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + boundPort.getAsInt();
    }

    private static boolean isLoopback(String url) {
        if (url == null) {
            return false;
        }
        try {
            String host = URI.create(url).getHost();
            if (host == null) {
                return false;
            }
            if (host.equals("localhost")) {
                return true;
            }
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            // Only literals: resolving a name here would make doctor depend on DNS.
            if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                return false;
            }
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }
}
