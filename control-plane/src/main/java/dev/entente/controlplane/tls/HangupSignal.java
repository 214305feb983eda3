package dev.entente.controlplane.tls;

import dev.entente.ca.tls.TlsModes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * SIGHUP for "re-read your certificate files", as web servers take it. The JVM's own meaning of
 * SIGHUP (run the shutdown hooks and exit) is replaced while at least one hub listens and restored
 * after the last one left: {@code entente stop} sends SIGTERM, which stays the JVM's. A process
 * started with SIGHUP ignored ({@code nohup}) keeps ignoring it; the file watch still sees changes.
 * One per process, as the signal is.
 */
public enum HangupSignal implements TlsModes.Hangups {
    INSTANCE;

    private static final Logger LOG = LoggerFactory.getLogger(HangupSignal.class);
    private static final Signal HUP = new Signal("HUP");
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private SignalHandler previous;

    /** Runs {@code listener} on every SIGHUP until {@link #remove}d; it must return quickly. */
    @Override
    public synchronized void add(Runnable listener) {
        if (listeners.isEmpty()) {
            try {
                previous = Signal.handle(HUP, signal -> listeners.forEach(Runnable::run));
            } catch (IllegalArgumentException e) {
                // -Xrs or a platform without SIGHUP: the file watch alone notices new files
                LOG.warn("SIGHUP cannot be handled here ({}); certificate files are re-read when they change", e.getMessage());
            }
        }
        listeners.add(listener);
    }

    @Override
    public synchronized void remove(Runnable listener) {
        listeners.remove(listener);
        if (listeners.isEmpty() && previous != null) {
            Signal.handle(HUP, previous);
            previous = null;
        }
    }
}
