/**
 * Clustered Quartz scheduling on the hub's PostgreSQL: {@link dev.entente.heartbeat.schedule.WorkerScheduler}
 * fires each registered {@link dev.entente.heartbeat.schedule.Task} once per interval across
 * every replica, and {@link dev.entente.heartbeat.schedule.WorkerRuns} records how each run went.
 */
package dev.entente.heartbeat.schedule;
