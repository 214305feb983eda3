package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

/** A step of a CA rotation, as {@code entente ca rotate MOVE} and {@code POST /api/v1/ca/rotate/MOVE} name it. */
public enum RotationMove {
    /** standby → init: a new standby key, trusted alongside the active one. */
    START("start"),
    /** One phase forward. */
    ADVANCE("advance"),
    /** Back to signing with the old key. */
    ROLLBACK("rollback");

    private final String value;

    RotationMove(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    /** The move named {@code name}; the one place a move's spelling is checked. */
    @JsonCreator
    public static RotationMove of(String name) {
        for (RotationMove m : values()) {
            if (m.value.equals(name)) {
                return m;
            }
        }
        throw new EntenteException(ErrorCode.NOT_FOUND, "no rotation move " + name + "; use start, advance or rollback");
    }
}
