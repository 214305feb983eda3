package dev.entente.federation.protocol;

import java.util.List;

/** This hub as the protocol presents it to others; the shell knows the bound port and the served certificate. */
public interface LocalHub {
    String hubId();

    String name();

    /** The https URL peers reach this hub at. */
    String publicUrl();

    /** The fingerprint of the TLS certificate served now. */
    String tlsFingerprint();

    /** The fingerprints peers may pin: the served certificate, any still in grace, and the next one of a renewal. */
    List<String> servedFingerprints();
}
