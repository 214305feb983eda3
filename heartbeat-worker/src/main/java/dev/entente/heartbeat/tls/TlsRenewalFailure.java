package dev.entente.heartbeat.tls;

/** The automatic TLS renewal failed; the message names the cause, the attempts and the next one. */
public final class TlsRenewalFailure extends Exception {
    public TlsRenewalFailure(String message) {
        super(message);
    }
}
