package dev.entente.federation.heartbeat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * This hub's own clock measured against its peers' clocks, from the heartbeats it sends: the
 * answer carries the peer's clock, read while our request was in flight, so the peer's offset
 * is its clock minus the midpoint of our round trip, exact to within half the round trip.
 *
 * <p>Kept in memory, per process: the clock being measured is this machine's, and status,
 * doctor and {@code /healthz} read it on every call without touching the database. A replica
 * that sends no heartbeats (another one runs the sender) has no measurement.
 *
 * <p>Round trips are timed with the monotonic clock, so a step of the wall clock during an
 * exchange cannot fake a long or negative round trip.
 */
public final class PeerClocks {
    /** A peer with fewer recent answers than this is left out: one answer may be a fluke. */
    public static final int MIN_SAMPLES = 2;
    /** Answers kept per peer; only the count and the newest are used. */
    static final int KEPT = 4;

    private final Clock clock;
    private final LongSupplier nanos;
    private final long freshForNanos;
    private final Map<UUID, Deque<Sample>> samples = new ConcurrentHashMap<>();

    /**
     * @param clock    this hub's clock, the one being measured
     * @param freshFor how long an answer counts (a few heartbeat intervals): peers that stopped
     *                 answering drop out of the median
     */
    public PeerClocks(Clock clock, Duration freshFor) {
        this(clock, System::nanoTime, freshFor);
    }

    PeerClocks(Clock clock, LongSupplier nanos, Duration freshFor) {
        this.clock = clock;
        this.nanos = nanos;
        this.freshForNanos = freshFor.toNanos();
    }

    /** Starts timing one exchange: call right before the request goes out. */
    public Exchange start() {
        return new Exchange(clock.instant(), nanos.getAsLong());
    }

    /**
     * Records a peer's answer to {@code exchange}; a clock that is not RFC 3339 is ignored, as
     * the receiving side does.
     */
    public void answered(UUID peerId, String peerName, Exchange exchange, String peerClock) {
        if (peerClock == null) {
            return;
        }
        Instant theirs;
        try {
            theirs = PeerClock.parse(peerClock);
        } catch (DateTimeParseException e) {
            return;
        }
        long now = nanos.getAsLong();
        long roundTrip = Math.max(0, now - exchange.startedNanos());
        Instant midpoint = exchange.sentAt().plusNanos(roundTrip / 2);
        Sample sample = new Sample(peerName, Duration.between(midpoint, theirs), Duration.ofNanos(roundTrip / 2), now);
        Deque<Sample> kept = samples.computeIfAbsent(peerId, id -> new ArrayDeque<>());
        synchronized (kept) {
            kept.addLast(sample);
            while (kept.size() > KEPT) {
                kept.removeFirst();
            }
        }
    }

    /**
     * This hub's clock against the median of its peers' clocks, from each peer with at least
     * {@link #MIN_SAMPLES} recent answers (its newest answer counts); empty when no peer
     * qualifies. With an even number of peers the middle value nearer to our own clock is
     * taken: one skewed peer out of two must not make this hub look skewed.
     */
    public Optional<OwnOffset> offset() {
        long now = nanos.getAsLong();
        List<Sample> newest = new ArrayList<>();
        for (Deque<Sample> kept : samples.values()) {
            synchronized (kept) {
                kept.removeIf(s -> now - s.takenNanos() > freshForNanos);
                if (kept.size() >= MIN_SAMPLES) {
                    newest.add(kept.peekLast());
                }
            }
        }
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        newest.sort(Comparator.comparing(Sample::peerOffset));
        int n = newest.size();
        Sample median = newest.get(n / 2);
        if (n % 2 == 0) {
            Sample lower = newest.get(n / 2 - 1);
            if (lower.peerOffset().abs().compareTo(median.peerOffset().abs()) < 0) {
                median = lower;
            }
        }
        return Optional.of(new OwnOffset(median.peerOffset().negated(), median.uncertainty(), n,
                n == 1 ? median.peerName() : null));
    }

    /** When and at which monotonic instant one exchange started. */
    public record Exchange(Instant sentAt, long startedNanos) {
    }

    private record Sample(String peerName, Duration peerOffset, Duration uncertainty, long takenNanos) {
    }

    /**
     * This hub's clock minus its peers' median clock.
     *
     * @param offset      positive when this hub's clock is ahead of its peers
     * @param uncertainty half the round trip of the answer the median came from
     * @param peers       how many peers were measured
     * @param onlyPeer    the name of the one peer measured, when there was only one: then
     *                    either clock may be the wrong one
     */
    public record OwnOffset(Duration offset, Duration uncertainty, int peers, String onlyPeer) {
        /** Whether the offset is beyond {@code limit} even at the edge of its uncertainty. */
        public boolean beyond(Duration limit) {
            return offset.abs().minus(uncertainty).compareTo(limit) > 0;
        }
    }
}
