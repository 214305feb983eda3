package dev.entente.ca.tls;

import javax.net.ssl.SSLException;
import java.util.Locale;

/**
 * Names the cause of a failed TLS handshake for an operator, without Java class names: which side
 * refused, and the certificate, clock or protocol reason. The JDK reports the other side's refusal
 * only as the TLS alert it received.
 */
public final class TlsFailures {
    private TlsFailures() {
    }

    public static String describe(SSLException e) {
        String message = String.valueOf(e.getMessage());
        int alert = message.indexOf("Received fatal alert: ");
        if (alert >= 0) {
            String name = message.substring(alert + "Received fatal alert: ".length()).trim().toLowerCase(Locale.ROOT);
            return switch (name) {
                case "certificate_expired" -> "the other side refused our client certificate as expired (or its clock is ahead)";
                case "bad_certificate", "certificate_unknown", "unknown_ca", "certificate_required", "access_denied",
                     "decrypt_error", "unsupported_certificate", "certificate_revoked" ->
                        "the other side does not accept our client certificate (TLS alert " + name
                                + "): it was issued under a CA that side no longer trusts, or is revoked";
                case "protocol_version", "handshake_failure", "insufficient_security" ->
                        "no TLS 1.3 cipher suite in common with the other side (TLS alert " + name + ")";
                default -> "the other side ended the handshake with TLS alert " + name;
            };
        }
        return message;
    }
}
