package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.ca.crypto.Certificates;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

/**
 * The proposer's answer to step 2.
 *
 * @param nodeCert the accepter's node certificate (PEM), issued by the proposer's federation CA
 * @param caBundle the proposer's CA bundle (PEM)
 * @param csr      a CSR for the proposer's node key, for the accepter's CA to sign
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HandshakeAcceptAnswer(
        @JsonProperty("protocol_version") @JsonDeserialize(using = Lenient.WholeNumber.class) Integer protocolVersion,
        @JsonProperty("hub_id") @JsonDeserialize(using = Lenient.Text.class) String hubId,
        @JsonProperty("name") @JsonDeserialize(using = Lenient.Text.class) String name,
        @JsonProperty("node_cert") @JsonDeserialize(using = Lenient.Text.class) String nodeCert,
        @JsonProperty("ca_bundle") @JsonDeserialize(using = Lenient.Text.class) String caBundle,
        @JsonProperty("csr") @JsonDeserialize(using = Lenient.Text.class) String csr) {

    /**
     * {@code hub}'s answer in step 2, and to a re-enrolment: the node certificate it issued the
     * caller, its CA bundle, and a CSR for its own node key for the caller's CA to sign.
     */
    public static HandshakeAcceptAnswer of(LocalHub hub, String nodeCertPem, String caBundlePem, KeyPair nodeKey) {
        return new HandshakeAcceptAnswer(FederationProtocol.VERSION, hub.hubId(), hub.name(), nodeCertPem, caBundlePem,
                Certificates.csr(nodeKey, hub.hubId()));
    }

    /**
     * The node certificate the answering hub issued, checked the same way after a handshake and a
     * re-enrolment: it must certify {@code nodeKey}, the key this hub sent a CSR for, and come from
     * {@code hubId}, the hub the token named.
     *
     * @param answerer who answered, as the refusal names it ({@code proposing hub}, {@code issuing hub})
     */
    public X509Certificate nodeCertificateFor(PublicKey nodeKey, String hubId, String answerer) {
        X509Certificate cert = FederationProtocol.certificate(nodeCert, ErrorCode.HANDSHAKE_REJECTED,
                "the " + answerer + " answered without a PEM node_cert");
        if (!cert.getPublicKey().equals(nodeKey) || !hubId.equals(this.hubId)) {
            throw new EntenteException(ErrorCode.HANDSHAKE_REJECTED, "the " + answerer
                    + " answered with a certificate for another key or hub");
        }
        return cert;
    }
}
