package dev.entente.federation.command;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.List;
import java.util.UUID;

/** The checks every command shares, worded as the admin API has always worded them. */
final class Fields {
    private Fields() {
    }

    static String required(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, key + " is required and must be a string");
        }
        return value;
    }

    static List<String> strings(List<String> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    /** A peer named by its id; the admin API resolves names to ids before it builds a command. */
    static UUID peerId(String peerId) {
        try {
            return UUID.fromString(required("peer_id", peerId));
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.NOT_FOUND, "no peer " + peerId);
        }
    }
}
