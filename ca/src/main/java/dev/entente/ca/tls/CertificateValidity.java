package dev.entente.ca.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * Says why a certificate is outside its validity window in words that name both possible causes:
 * a certificate nobody renewed, or a clock that is wrong. The JDK's "NotAfter: …" names neither.
 */
public final class CertificateValidity {
    private CertificateValidity() {
    }

    /** Null when {@code cert} is valid at {@code now}. */
    public static String problem(X509Certificate cert, Instant now) {
        Instant notBefore = cert.getNotBefore().toInstant();
        Instant notAfter = cert.getNotAfter().toInstant();
        if (now.isBefore(notBefore)) {
            return "certificate not yet valid: valid from " + notBefore + ", and this machine's clock says " + now
                    + " (" + Duration.between(now, notBefore).toSeconds() + "s earlier); a clock is wrong here or where it was issued";
        }
        if (!now.isBefore(notAfter)) {
            return "certificate expired at " + notAfter + " (this machine's clock says " + now
                    + "); it was not renewed in time, or this clock is ahead";
        }
        return null;
    }
}
