package dev.entente.federation.reenrol;

import dev.entente.federation.protocol.HandshakeAcceptAnswer;
import dev.entente.federation.protocol.PeerEndpoint;
import dev.entente.federation.protocol.ReenrolRequest;

/** Carries a re-enrolment to the hub that minted the token; failures are coded as for {@link dev.entente.federation.protocol.PeerTransport}. */
public interface ReenrolmentTransport {
    HandshakeAcceptAnswer reenrol(PeerEndpoint issuer, ReenrolRequest request);
}
