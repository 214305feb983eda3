package dev.entente.federation.protocol;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * A value re-read at most once per {@code ttl}: for figures every heartbeat needs but that change
 * rarely (the CA phase, the signing key). Races between threads only cost an extra read.
 */
public final class Cached<T> {
    private final long ttlNanos;
    private final Supplier<T> source;
    private volatile T value;
    private volatile long readAt;

    public Cached(Duration ttl, Supplier<T> source) {
        this.ttlNanos = ttl.toNanos();
        this.source = source;
    }

    public T get() {
        long now = System.nanoTime();
        T v = value;
        if (v == null || now - readAt > ttlNanos) {
            v = source.get();
            value = v;
            readAt = now;
        }
        return v;
    }
}
