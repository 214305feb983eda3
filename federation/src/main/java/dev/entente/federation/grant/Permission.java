package dev.entente.federation.grant;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a grant allows a peer to do with this hub's exported resources. The two scopes are
 * independent: a call needing {@code read} needs {@code read} in the grant, one needing
 * {@code write} needs {@code write}; {@code write} does not imply {@code read}.
 */
public enum Permission {
    /** List and read exported resources. */
    READ,
    /** Change exported resources. */
    WRITE;

    /** As stored and printed: {@code read}, {@code write}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This scope's bit in {@link CompiledGrant}'s scope mask. */
    public int bit() {
        return 1 << ordinal();
    }

    /**
     * The scope spelled {@code value} ({@code read}, {@code write}; case and surrounding blanks ignored).
     *
     * @throws EntenteException {@code invalid_request} naming the allowed scopes
     */
    public static Permission fromValue(String value) {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            for (Permission p : values()) {
                if (p.value().equals(v)) {
                    return p;
                }
            }
        }
        throw new EntenteException(ErrorCode.INVALID_REQUEST, "unknown permission scope '" + value
                + "'; allowed: read, write");
    }

    /** Every scope in {@code values} ({@code ["read", "write"]}), e.g. from {@code --scopes read,write}. */
    public static Set<Permission> parseAll(Collection<String> values) {
        EnumSet<Permission> out = EnumSet.noneOf(Permission.class);
        if (values != null) {
            for (String v : values) {
                out.add(fromValue(v));
            }
        }
        return out;
    }
}
