package dev.entente.federation.protocol;

import dev.entente.ca.crypto.Certificates;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/** The protocol version this hub speaks and the checks every message of it goes through. */
public final class FederationProtocol {
    /** The federation protocol this hub speaks; a peer speaking another is refused with both versions. */
    public static final int VERSION = 1;

    private FederationProtocol() {
    }

    /** Refuses a message of another protocol version (or none), naming both. */
    public static void require(Integer theirs) {
        if (theirs == null || theirs != VERSION) {
            throw new EntenteException(ErrorCode.PROTOCOL_VERSION_MISMATCH, "the peer speaks federation protocol "
                    + theirs + ", this hub speaks " + VERSION + "; upgrade the older hub",
                    Map.of("ours", VERSION, "theirs", String.valueOf(theirs)));
        }
    }

    /** A field a message must carry, refused with the same words as any missing request field. */
    public static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, field + " is required and must be a string");
        }
        return value;
    }

    /** The first certificate of a PEM text that came over the wire; anything else is {@code code}, never a 500. */
    public static X509Certificate certificate(String pem, ErrorCode code, String detail) {
        try {
            List<X509Certificate> certs = Certificates.parsePem(pem == null ? "" : pem);
            if (!certs.isEmpty()) {
                return certs.get(0);
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal: the parser's message names a JDK class
        }
        throw new EntenteException(code, detail, Map.of("field", "node_cert"));
    }
}
