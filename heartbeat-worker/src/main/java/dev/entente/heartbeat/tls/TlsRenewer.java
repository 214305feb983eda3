package dev.entente.heartbeat.tls;

import java.time.Instant;

/** One check of the hub's TLS certificate at {@code now}: renews it when due, does nothing otherwise. */
@FunctionalInterface
public interface TlsRenewer {
    void renew(Instant now) throws Exception;
}
