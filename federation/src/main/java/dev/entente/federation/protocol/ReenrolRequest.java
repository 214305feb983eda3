package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * Re-enrolment, locked-out hub to the hub that issued its dead node certificate
 * ({@code POST /federation/v1/reenroll}), over TLS pinned by the token and with the dead node
 * certificate as the client certificate. The answer is a {@link HandshakeAcceptAnswer}: the new
 * node certificate, the CA bundle and a CSR for the answering hub's node key. Fields may be null
 * as received.
 *
 * @param token          the one-time re-enrolment token the other hub's operator minted
 * @param hubId          the locked-out hub's id, which the token is bound to
 * @param tlsFingerprint the SHA-256 fingerprint of the TLS certificate the locked-out hub serves now
 * @param csr            the PEM CSR for the locked-out hub's new node key
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReenrolRequest(
        @JsonProperty("protocol_version") @JsonDeserialize(using = Lenient.WholeNumber.class) Integer protocolVersion,
        @JsonProperty("token") @JsonDeserialize(using = Lenient.Text.class) String token,
        @JsonProperty("hub_id") @JsonDeserialize(using = Lenient.Text.class) String hubId,
        @JsonProperty("tls_fingerprint") @JsonDeserialize(using = Lenient.Text.class) String tlsFingerprint,
        @JsonProperty("csr") @JsonDeserialize(using = Lenient.Text.class) String csr) {
}
