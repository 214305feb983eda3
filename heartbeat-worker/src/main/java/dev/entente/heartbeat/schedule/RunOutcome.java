package dev.entente.heartbeat.schedule;

import java.util.Locale;

/** How a task's run ended, stored lower-case in {@code worker_runs.last_outcome}. */
public enum RunOutcome {
    /** The task returned normally. */
    OK,
    /** The task threw; {@code last_error} says what. The task stays scheduled. */
    FAILED,
    /**
     * The replica that won the firing has no task of that name (an older or differently
     * configured replica): the firing was skipped there.
     */
    UNREGISTERED,
    /** An operator paused the task ({@code entente worker pause}): the firing was skipped. */
    PAUSED;

    /** The stored form, e.g. {@code ok}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the stored form. */
    public static RunOutcome fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
