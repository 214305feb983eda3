package dev.entente.lifecycle.engine;

import java.util.Locale;

/**
 * A state of a lifecycle as it is stored: a lower_snake string ({@code update_clients}), never an
 * ordinal, so reordering or adding enum constants never changes what a stored row means.
 *
 * <p>State enums implement this with the default {@link #value()} and add a static
 * {@code fromValue(String)} that delegates to {@link #fromValue(Class, String)}.
 */
public interface LifecycleState {

    /** The enum constant's name. Implemented by every enum. */
    String name();

    /** The stored form: the constant's name in lower case ({@code UPDATE_CLIENTS} is {@code update_clients}). */
    default String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The constant of {@code type} whose {@link #value()} is {@code value}.
     *
     * @throws IllegalArgumentException when no constant matches: a stored state this build does not know
     */
    static <S extends Enum<S> & LifecycleState> S fromValue(Class<S> type, String value) {
        for (S s : type.getEnumConstants()) {
            if (s.value().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + " value '" + value + "'");
    }
}
