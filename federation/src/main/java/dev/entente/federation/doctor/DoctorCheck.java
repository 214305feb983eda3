package dev.entente.federation.doctor;

import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.time.Instant;
import java.util.List;

/**
 * One check: looks at one thing that breaks in the wild and says what it found. Checks only
 * read; they are built with what they read and take the time so a spec can move it
 * ({@code now} is the hub's clock).
 */
public interface DoctorCheck {
    /** The code every finding of this check carries. */
    DoctorCode code();

    /** Whether the check reads PostgreSQL; such checks are skipped when DR001 fires. */
    default boolean needsDatabase() {
        return true;
    }

    /** What is wrong at {@code now}; empty when nothing is. */
    List<Finding> run(Instant now) throws Exception;
}
