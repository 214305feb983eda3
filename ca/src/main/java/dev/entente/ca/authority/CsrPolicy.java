package dev.entente.ca.authority;

import dev.entente.ca.crypto.Csr;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;

/**
 * What the federation CA accepts in a certificate signing request. Checks run cheapest and
 * most basic first, and the first failure is the answer:
 *
 * <ol>
 *   <li>the bytes are a PKCS#10 request, PEM or DER ({@link ErrorCode#CSR_MALFORMED});</li>
 *   <li>the key is on the allow-list: Ed25519, ECDSA P-256, ECDSA P-384, RSA of at least
 *       {@value #MIN_RSA_BITS} bits ({@link ErrorCode#CSR_KEY_WEAK} for a short RSA key,
 *       {@link ErrorCode#CSR_KEY_UNSUPPORTED} for anything else). The key is judged before the
 *       signature because an unsupported key cannot be verified anyway, and because a weak RSA
 *       key is refused without spending a verification on it;</li>
 *   <li>the self-signature verifies under that key: the sender holds the private key
 *       ({@link ErrorCode#CSR_SIGNATURE_INVALID});</li>
 *   <li>no basicConstraints CA:true in the requested extensions ({@link ErrorCode#CSR_CA_REQUESTED}).
 *       Refusing instead of silently ignoring tells a misconfigured peer what went wrong; the CA
 *       would never have issued CA:true anyway.</li>
 * </ol>
 *
 * <p>Everything else in the request (subject, SANs, key usages, other extensions) is ignored:
 * the CA sets those itself, so a hostile request cannot name itself another peer.
 *
 * <p><b>ECDSA P-521 is refused</b> ({@code csr_key_unsupported}): it is not weak, but not every
 * TLS stack a peer may run verifies P-521 signatures in TLS 1.3 (BoringSSL-based ones such as
 * Envoy do not offer it by default), and it buys nothing over P-384 for week-long node
 * certificates. Ed448, DSA, explicit-parameter and other curves are refused likewise.
 */
public final class CsrPolicy {
    /** The smallest RSA modulus accepted (NIST SP 800-57: 128-bit security from 3072 bits). */
    public static final int MIN_RSA_BITS = 3072;
    /** The accepted key types, as error details list them. */
    public static final List<String> ALLOWED = List.of("Ed25519", "ECDSA P-256", "ECDSA P-384", "RSA >= " + MIN_RSA_BITS);

    private static final String ALLOWED_TEXT = String.join(", ", ALLOWED);

    /** A request that passed every check: its verified key, ready to be certified. */
    public record Accepted(PublicKey publicKey, Csr.KeyInfo key) {
    }

    /** Applies the policy to a PEM or DER request. */
    public Accepted check(byte[] pemOrDer) {
        Csr csr;
        try {
            csr = Csr.parse(pemOrDer);
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.CSR_MALFORMED, e.getMessage()
                    + "; send the node key's PKCS#10 request as PEM (CERTIFICATE REQUEST) or DER");
        }
        Csr.KeyInfo key = csr.key();
        checkKey(key);
        PublicKey publicKey;
        try {
            publicKey = csr.publicKey();
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.CSR_MALFORMED, e.getMessage() + " in the certificate signing request");
        }
        if (!csr.isSignatureValid(publicKey)) {
            throw new EntenteException(ErrorCode.CSR_SIGNATURE_INVALID, "the request's " + csr.signatureAlgorithm()
                    + " signature does not verify under its own " + key.label()
                    + " key: it was altered in transit or signed with another key; build the request again with the node key");
        }
        if (csr.requestsCa()) {
            throw new EntenteException(ErrorCode.CSR_CA_REQUESTED, "the request asks for basicConstraints CA:true; "
                    + "the federation CA only issues leaf client certificates: drop the extension from the request");
        }
        return new Accepted(publicKey, key);
    }

    private static void checkKey(Csr.KeyInfo key) {
        switch (key.family()) {
            case "Ed25519" -> {
                return;
            }
            case "EC" -> {
                if ("P-256".equals(key.curve()) || "P-384".equals(key.curve())) {
                    return;
                }
            }
            case "RSA" -> {
                if (key.bits() >= MIN_RSA_BITS) {
                    return;
                }
                throw new EntenteException(ErrorCode.CSR_KEY_WEAK, "an " + key.label() + " key is too weak: RSA keys need at least "
                        + MIN_RSA_BITS + " bits; allowed: " + ALLOWED_TEXT,
                        Map.of("key", key.label(), "allowed_keys", ALLOWED));
            }
            default -> {
                // falls through to the refusal below
            }
        }
        throw new EntenteException(ErrorCode.CSR_KEY_UNSUPPORTED, key.label() + " keys are not accepted; allowed: " + ALLOWED_TEXT,
                Map.of("key", key.label(), "allowed_keys", ALLOWED));
    }
}
