package dev.entente.ca.tls;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

/** Where the hub's TLS certificate comes from ({@code entente.tls.mode}). */
public enum TlsMode {
    /** The hub makes its own Ed25519 certificate and renews it at two thirds of its lifetime. */
    SELF_SIGNED("self-signed"),
    /** The operator's PEM files, re-read on SIGHUP and when they change. */
    CUSTOM("custom"),
    /** Ordered from an ACME CA, validated by TLS-ALPN-01 on the hub's own port, renewed at two thirds. */
    ACME("acme");

    private final String value;

    TlsMode(String value) {
        this.value = value;
    }

    /** The setting's spelling, as {@code tls info} shows it. */
    public String value() {
        return value;
    }

    public static TlsMode parse(String text) {
        for (TlsMode m : values()) {
            if (m.value.equals(text)) {
                return m;
            }
        }
        throw new EntenteException(ErrorCode.INVALID_REQUEST,
                "entente.tls.mode must be self-signed, custom or acme, not " + text);
    }
}
