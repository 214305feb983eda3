package dev.entente.controlplane.doctor;


import java.time.Instant;
import java.util.List;

/**
 * One check: looks at one thing that breaks in the wild and says what it found. Checks only
 * read; they take the time so a spec can move it ({@code now} is the hub's clock).
 */
public interface DoctorCheck {
    /** The code every finding of this check carries. */
    DoctorCode code();

    /** Whether the check reads PostgreSQL; such checks are skipped when DR001 fires. */
    default boolean needsDatabase() {
        return true;
    }

    /** What is wrong at {@code now}; empty when nothing is. */
    List<Finding> run(DoctorContext hub, Instant now) throws Exception;
}
