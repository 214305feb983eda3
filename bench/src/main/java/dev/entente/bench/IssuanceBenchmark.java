package dev.entente.bench;

import dev.entente.ca.authority.CaAlgorithm;
import dev.entente.ca.authority.CaKey;
import dev.entente.ca.authority.CsrPolicy;
import dev.entente.ca.authority.NodeCertificateSigner;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.crypto.Ed25519Signing;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * Node certificate issuance against the cost of the two Ed25519 operations it cannot avoid.
 *
 * <ul>
 *   <li>{@link #rawSignVerify}: one Ed25519 sign and one verify of a 400-byte message (about a
 *       certificate's TBS) with {@link Ed25519Signing}, the code issuance signs and checks CSRs with: the floor.</li>
 *   <li>{@link #issueNodeCertificate}: a PEM CSR to a signed X.509 leaf, i.e. PEM decode, PKCS#10
 *       parse, key policy, CSR signature check (verify), certificate build, CA signature (sign),
 *       DER encode and JDK parse. No database write.</li>
 * </ul>
 */
public class IssuanceBenchmark {
    private static final Instant NOW = Instant.now();

    /** The CA and a CSR, shared by all threads (both are immutable). */
    @State(Scope.Benchmark)
    public static class Ca {
        CaKey ca;
        NodeCertificateSigner signer;
        byte[] csr;

        @Setup
        public void setUp() {
            ca = CaKey.generate("ca_federation-1", CaAlgorithm.ED25519, "hub_0000000a", NOW);
            signer = new NodeCertificateSigner("hub_0000000a", new CsrPolicy(), Duration.ofDays(7));
            csr = Certificates.csr(Certificates.ed25519(), "hub_0000000b").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** One key pair per thread, as a tuned raw loop would hold it. */
    @State(Scope.Thread)
    public static class Raw {
        KeyPair keys;
        byte[] message = new byte[400];

        @Setup
        public void setUp() {
            keys = Certificates.ed25519();
            new SecureRandom().nextBytes(message);
        }
    }

    @Benchmark
    public boolean rawSignVerify(Raw raw) {
        byte[] sig = Ed25519Signing.sign(raw.keys.getPrivate(), raw.message);
        return Ed25519Signing.verify(raw.keys.getPublic(), raw.message, sig);
    }

    @Benchmark
    public X509Certificate issueNodeCertificate(Ca state) {
        return state.signer.sign(state.ca, "peer-1", "hub_0000000b", state.csr, NOW);
    }
}
