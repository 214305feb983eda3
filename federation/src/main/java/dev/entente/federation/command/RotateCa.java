package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.ca.rotation.RotationState;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code ca rotate MOVE}: one step of the federation CA's rotation. The move names the phase it
 * leaves, so a request repeated by mistake (or an approval that waited while the rotation moved
 * on) is refused instead of moving a second step.
 *
 * @param move          start, advance or rollback
 * @param force         advance out of update_clients despite laggards
 * @param expectedPhase the phase the requester saw; start may leave it out (only standby starts)
 */
public record RotateCa(RotationMove move, boolean force, @JsonProperty("expected_phase") String expectedPhase)
        implements OperatorCommand {
    public static final String ACTION = "ca.rotate";
    /** The only CA type. */
    public static final String TYPE = "federation";

    public RotateCa {
        if (move == null) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "move is required: start, advance or rollback");
        }
        expectedPhase = expected(move, expectedPhase).value();
    }

    /** Refuses a CA type other than {@value #TYPE}; null means that one. */
    public static void checkType(Object type) {
        if (type != null && !TYPE.equals(type)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "unknown CA type " + type + "; the only type is federation");
        }
    }

    /** The phase this move leaves. */
    public RotationState expected() {
        return expected(move, expectedPhase);
    }

    // Required for advance and rollback: without it two identical calls could move two steps.
    private static RotationState expected(RotationMove move, String value) {
        if (value == null && move == RotationMove.START) {
            return RotationState.STANDBY;
        }
        String phases = Arrays.stream(RotationState.values()).map(RotationState::value).collect(Collectors.joining(", "));
        if (value == null) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "expected_phase is required for " + move.value()
                    + ": send the phase 'entente ca status' showed (one of " + phases + ")");
        }
        RotationState phase = Arrays.stream(RotationState.values()).filter(s -> s.value().equals(value)).findFirst()
                .orElseThrow(() -> new EntenteException(ErrorCode.INVALID_REQUEST,
                        "expected_phase must be one of " + phases + ", not " + value));
        if (move == RotationMove.START && phase != RotationState.STANDBY) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST,
                    "start leaves standby only; send expected_phase standby or leave it out");
        }
        return phase;
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.rotateCa(this);
    }
}
