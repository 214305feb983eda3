package dev.entente.heartbeat.schedule;

/** What {@link WorkerScheduler#schedule} did to the shared schedule. */
public enum ScheduleChange {
    /** The job and its trigger did not exist; both were stored and the first firing is now. */
    CREATED,
    /** The job existed with another interval, job class or job data; it was updated in place. */
    UPDATED,
    /** The job existed exactly as asked (another replica or an earlier start registered it): nothing was written. */
    UNCHANGED
}
