package dev.entente.ca.tls;

import java.util.List;

/** The one TLS policy for every connection Entente accepts or makes: TLS 1.3 and three suites. */
public final class TlsPolicy {
    public static final List<String> PROTOCOLS = List.of("TLSv1.3");
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {
    }
}
