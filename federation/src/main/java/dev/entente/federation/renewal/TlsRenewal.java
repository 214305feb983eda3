package dev.entente.federation.renewal;

import dev.entente.ca.tls.HubTlsCertificates.Renewal;
import dev.entente.ca.tls.HubTlsCertificates.RenewalStep;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.tls.HubTls;
import dev.entente.ca.tls.TlsMode;
import dev.entente.ca.tls.TlsModes;
import dev.entente.ca.tls.TlsState;
import dev.entente.federation.peer.Durations;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hub renewing its own TLS certificate ({@code entente.tls.auto-renew}), by the path of
 * {@code entente tls rotate}: a new key, the old fingerprint in grace, a {@code tls.rotated} event
 * (from {@code system:tls_renewal}, {@code automatic: true}), peers re-pinning over heartbeats.
 *
 * <p>At two thirds of the certificate's lifetime the next key is made and announced in heartbeats'
 * {@code tls_fingerprints}; it is served once at least three heartbeat intervals have passed and
 * every linked peer has exchanged heartbeats since, so every peer pins it before it sees it and no
 * heartbeat fails (a peer that stays silent holds it back for half the time left at most). A certificate that is already expired
 * (a hub stopped longer than its lifetime) is replaced at once: no peer accepts it anyway.
 *
 * <p>With certificates the hub does not make ({@code custom}, {@code acme}) only the promotion is
 * done here: {@link TlsModes} stages them.
 */
public final class TlsRenewal implements TlsModes.Promotion {
    /** Heartbeat intervals a next key is announced before it is served: each is a chance for peers to pin it. */
    static final int ANNOUNCE_INTERVALS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(TlsRenewal.class);

    private final HubTls hubTls;
    private final TlsState state;
    private final Tx tx;
    private final AuditLog audit;
    private final Settings settings;
    private final PeerRepository peers;
    private final TlsMode mode;
    private final Runnable servedChanged;
    private volatile String atStart;

    /**
     * What a renewal needs to know of the hub.
     *
     * @param hubId             the subject of a certificate the hub makes
     * @param subjectAltNames   its names
     * @param heartbeatInterval how often peers exchange heartbeats: the pace of announcing a next key
     * @param rotationGrace     how long a replaced fingerprint stays accepted ({@code entente.tls.rotation-grace})
     * @param mode              where the certificate comes from ({@code entente.tls.mode})
     */
    public record Settings(String hubId, Set<String> subjectAltNames, Duration heartbeatInterval, Duration rotationGrace,
                           TlsMode mode) {
        public Settings {
            subjectAltNames = Set.copyOf(subjectAltNames);
        }
    }

    /** @param servedChanged run after a scheduled renewal changed what is served (the shell rewrites the files the local CLI pins from) */
    public TlsRenewal(HubTls hubTls, TlsState state, Tx tx, AuditLog audit, PeerRepository peers, Settings settings,
                      Runnable servedChanged) {
        this.peers = peers;
        this.mode = settings.mode();
        this.hubTls = hubTls;
        this.state = state;
        this.tx = tx;
        this.audit = audit;
        this.settings = settings;
        this.servedChanged = servedChanged;
    }

    /**
     * Before the server serves: an expired certificate is replaced, a two-thirds-used one gets its
     * next key. What was done is logged, audited and kept for {@code entente start} to print.
     */
    @Override
    public void atStart(Instant now) {
        Renewal r = renew(now, "start");
        if (r.step() != RenewalStep.NONE) {
            atStart = describe(r, now);
        }
    }

    /**
     * The scheduled check: renews when due and updates the files the local CLI pins from. With
     * certificates the hub does not make ({@link TlsMode#CUSTOM}, {@link TlsMode#ACME}) it only
     * serves the announced next one once peers pinned it, at once when no peer pins this hub yet.
     */
    @Override
    public void onSchedule(Instant now) {
        if (renew(now, "schedule").step() != RenewalStep.NONE) {
            servedChanged.run();
        }
    }

    /**
     * {@code entente tls rotate}: a new self-signed key at once, served from the next handshake
     * without a restart, the old fingerprint accepted for the grace. Refused where the hub does not
     * make its certificate, naming what renews it there instead.
     */
    public TlsKey rotate(String operator, Instant now) {
        if (mode != TlsMode.SELF_SIGNED) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente tls rotate makes a self-signed certificate, and this hub "
                    + "serves " + mode.value() + " certificates (entente.tls.mode); " + (mode == TlsMode.CUSTOM
                    ? "write the new certificate and key over entente.tls.cert-file and entente.tls.key-file and send the hub SIGHUP"
                    : "the hub orders the next certificate from the ACME CA at two thirds of the served one's lifetime"));
        }
        String previous = state.current().fingerprint();
        TlsKey rotated = tx.inTransaction(c -> {
            TlsKey k = hubTls.certificates().rotate(c, settings.hubId(), settings.subjectAltNames(), now);
            audit.append(c, AuditEvent.of(AuditEventType.TLS_ROTATED, operator, k.fingerprint(),
                    Map.of("previous_fingerprint", previous, "grace", Durations.format(settings.rotationGrace()))));
            return k;
        });
        hubTls.refresh();
        return rotated;
    }

    /** What the renewal at start did, in words, if it did anything. */
    public Optional<String> atStart() {
        return Optional.ofNullable(atStart);
    }

    private Renewal renew(Instant now, String trigger) {
        TlsKey served = state.current();
        boolean supplied = mode != TlsMode.SELF_SIGNED;
        if (state.nextFingerprints().isEmpty() && (supplied || (now.isBefore(served.renewalDue())
                && !now.isBefore(served.certificate().getNotBefore().toInstant())))) {
            // The common case, decided without the database: it runs every sweep interval. A hub
            // serving supplied certificates never makes one: only an announced one can be promoted.
            return new Renewal(RenewalStep.NONE, served, served);
        }
        Duration announce = settings.heartbeatInterval().multipliedBy(ANNOUNCE_INTERVALS);
        Renewal r = tx.inTransaction(c -> {
            Renewal step = supplied
                    ? hubTls.certificates().promoteSupplied(c, now, announce, this::peersPinned, nobodyPins())
                    : hubTls.certificates().renew(c, settings.hubId(), settings.subjectAltNames(), now, announce,
                    this::peersPinned);
            if (step.step() == RenewalStep.PROMOTED || step.step() == RenewalStep.REPLACED) {
                AuditDetails details = AuditDetails.of()
                        .put("previous_fingerprint", step.previous().fingerprint())
                        .put("grace", Durations.format(settings.rotationGrace()))
                        .put("automatic", true)
                        .put("trigger", trigger)
                        .put("reason", supplied ? "new certificate from " + source() : reason(step, now))
                        .put("mode", mode.value())
                        .put("not_after", step.key().notAfter());
                audit.append(c, AuditEvent.of(EventSource.TLS_RENEWAL, AuditEventType.TLS_ROTATED,
                        step.key().fingerprint(), details));
            }
            return step;
        });
        if (r.step() != RenewalStep.NONE) {
            hubTls.refresh();
            LOG.info("TLS certificate renewal at {}: {}", trigger, describe(r, now));
        }
        return r;
    }

    /**
     * Whether every peer that exchanges heartbeats with us has pinned what we announced at
     * {@code since}: each answer to its heartbeats carries our fingerprints, and it sends the next
     * heartbeat only once it has handled the answer, so two heartbeat intervals of arrivals after
     * {@code since} mean it holds the new pin.
     */
    private boolean peersPinned(Instant since) {
        Instant handled = since.plus(settings.heartbeatInterval().multipliedBy(2));
        for (Peer p : peers.list()) {
            if (p.sendsHeartbeats() && (p.lastHeartbeatAt() == null || p.lastHeartbeatAt().isBefore(handled))) {
                return false;
            }
        }
        return true;
    }

    /** Whether no peer pins this hub's certificate yet: a new one may be served at once. */
    private boolean nobodyPins() {
        return peers.list().stream().noneMatch(Peer::sendsHeartbeats);
    }

    private String source() {
        return mode == TlsMode.CUSTOM ? "entente.tls.cert-file" : "the ACME CA";
    }

    private static String reason(Renewal r, Instant now) {
        TlsKey previous = r.previous();
        if (!now.isBefore(previous.notAfter())) {
            return "expired at " + previous.notAfter();
        }
        if (now.isBefore(previous.certificate().getNotBefore().toInstant())) {
            return "not valid before " + previous.certificate().getNotBefore().toInstant() + " by this clock";
        }
        return "two thirds of its lifetime used (renewal due at " + previous.renewalDue() + ")";
    }

    private static String describe(Renewal r, Instant now) {
        String previous = r.previous().fingerprint();
        return switch (r.step()) {
            case PREPARED -> "certificate " + previous + " passed two thirds of its lifetime (expires at "
                    + r.previous().notAfter() + "); next certificate " + r.key().fingerprint()
                    + " announced to peers, served once they have pinned it";
            case PROMOTED -> "serving renewed certificate " + r.key().fingerprint() + " (until " + r.key().notAfter()
                    + "); " + previous + " stays accepted for the grace";
            case REPLACED -> "certificate " + previous + " " + reason(r, now) + "; serving new certificate " + r.key().fingerprint() + " (until " + r.key().notAfter() + ")";
            case NONE -> "nothing due";
        };
    }
}
