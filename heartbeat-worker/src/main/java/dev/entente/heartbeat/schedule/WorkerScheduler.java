package dev.entente.heartbeat.schedule;

import dev.entente.lifecycle.audit.AuditLog;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica's clustered Quartz scheduler on the hub's PostgreSQL (DESIGN.md §8): every
 * replica registers the same jobs, and Quartz's row locks in {@code QRTZ_LOCKS} make each
 * firing run on exactly one of them.
 *
 * <p>Clustering is by {@link WorkerSchedulerConfiguration#clusterName()}: it becomes Quartz's
 * {@code org.quartz.scheduler.instanceName}, the {@code SCHED_NAME} of every row. Quartz also
 * keeps a JVM-wide {@link SchedulerRepository} keyed by that same name, in which a second
 * scheduler of the same name either is not built ({@code StdSchedulerFactory.getScheduler()}
 * returns the first) or fails to bind. Each instance therefore builds its scheduler under a
 * process-wide lock and removes it from the repository at once: the repository is only a
 * lookup-by-name convenience we never use, and nothing else in Quartz reads it. So any number of
 * instances in one process (tests simulating replicas) cluster exactly like separate processes.
 *
 * <p>Lifecycle: construct (nothing fires), {@link #schedule}, {@link #start()},
 * {@link #standby()} / {@link #start()} as needed, {@link #close()}.
 */
public final class WorkerScheduler implements AutoCloseable {
    /** Quartz group of every job and trigger this class manages. */
    public static final String GROUP = "entente";

    private static final Logger LOG = LoggerFactory.getLogger(WorkerScheduler.class);
    private static final Object BUILD_LOCK = new Object();
    private static final AtomicInteger LOCAL_IDS = new AtomicInteger();

    private final DataSource dataSource;
    private final WorkerSchedulerConfiguration config;
    private final TaskRegistry tasks;
    private final Scheduler scheduler;
    private final String instanceId;
    private final WorkerRuns runs;
    private final ClockStepWatch clockWatch = ClockStepWatch.system(this::clockStepped);

    /** A scheduler with its own empty task registry and the system clock. */
    public WorkerScheduler(DataSource dataSource, WorkerSchedulerConfiguration config) {
        this(dataSource, config, new TaskRegistry(), Clock.systemUTC());
    }

    /**
     * Builds (but does not start) the scheduler.
     *
     * @param dataSource the application's pool; Quartz borrows its connections and never closes it
     * @param config     cluster name and timings
     * @param tasks      the tasks {@link TaskJob} can run in this process
     * @param clock      the clock {@code worker_runs} timestamps come from
     */
    public WorkerScheduler(DataSource dataSource, WorkerSchedulerConfiguration config, TaskRegistry tasks, Clock clock) {
        this(dataSource, config, tasks, clock, null);
    }

    /** As above; a task that starts failing or recovers is recorded in {@code audit} (null: nowhere). */
    public WorkerScheduler(DataSource dataSource, WorkerSchedulerConfiguration config, TaskRegistry tasks, Clock clock,
                           AuditLog audit) {
        this.dataSource = dataSource;
        this.config = config;
        this.tasks = tasks;
        this.runs = new WorkerRuns(dataSource, audit);
        Map<Class<?>, Object> injectables = new HashMap<>();
        injectables.put(TaskRunner.class, new TaskRunner(tasks, runs, clock,
                new WorkerPauses(dataSource, audit, clock, tasks::pausableNames)));
        injectables.put(TaskRegistry.class, tasks);
        injectables.put(WorkerRuns.class, runs);
        injectables.put(DataSource.class, dataSource);
        injectables.put(Clock.class, clock);
        try {
            this.scheduler = build(quartzProperties(PoolConnectionProvider.register(dataSource)));
            this.scheduler.setJobFactory(new WorkerJobFactory(injectables));
            this.instanceId = scheduler.getSchedulerInstanceId();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot build the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    private Scheduler build(Properties props) throws SchedulerException {
        String name = config.clusterName();
        synchronized (BUILD_LOCK) {
            SchedulerRepository repository = SchedulerRepository.getInstance();
            if (repository.lookup(name) != null) {
                // someone built a Quartz scheduler of this name outside this class; getScheduler()
                // would hand us theirs instead of a new one
                throw new IllegalStateException("a Quartz scheduler named " + name
                        + " already exists in this process outside WorkerScheduler");
            }
            Scheduler built = new StdSchedulerFactory(props).getScheduler();
            repository.remove(name);
            return built;
        }
    }

    private Properties quartzProperties(String dataSourceName) {
        int local = LOCAL_IDS.incrementAndGet();
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", config.clusterName());
        p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
        p.setProperty("org.quartz.scheduler.instanceIdGenerator.class", ReplicaInstanceIdGenerator.class.getName());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.threadName", "entente-scheduler-" + local);
        // daemon threads: a replica that forgets close() must not keep the JVM alive
        p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
        p.setProperty("org.quartz.scheduler.idleWaitTime", Long.toString(config.idleWait().toMillis()));
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(config.threadCount()));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "entente-worker-" + local);
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", Long.toString(config.clusterCheckinInterval().toMillis()));
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(config.misfireThreshold().toMillis()));
        // take the TRIGGER_ACCESS row lock when acquiring too, not only when firing: replicas
        // then never race on the same WAITING row, at the cost of one short lock per poll
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // job data is Java-serialised into BYTEA; keep it to small serialisable values
        p.setProperty("org.quartz.jobStore.useProperties", "false");
        return p;
    }

    /** The tasks this replica can run. */
    public TaskRegistry tasks() {
        return tasks;
    }

    /** This replica's Quartz instance id (its {@code QRTZ_SCHEDULER_STATE.INSTANCE_NAME}). */
    public String instanceId() {
        return instanceId;
    }

    /** The cluster this replica belongs to. */
    public String clusterName() {
        return config.clusterName();
    }

    /**
     * Registers {@code task} in this replica and schedules a {@link TaskJob} of the same name
     * every {@code interval}. Idempotent like {@link #schedule(String, Duration, Class, Map)}.
     */
    public ScheduleChange schedule(Task task, Duration interval) {
        tasks.register(task);
        return schedule(task.name(), interval, TaskJob.class, Map.of(TaskJob.TASK_KEY, task.name()));
    }

    /**
     * Makes sure job {@code jobName} runs {@code jobClass} every {@code interval}, starting now
     * if it is new. Every replica calls this on every start: an identical registration writes
     * nothing and keeps the trigger's phase and next fire time; a changed interval, class or data
     * is updated in place (a changed interval restarts the phase now). Two replicas registering at
     * once are serialised by Quartz's {@code TRIGGER_ACCESS} row lock; the loser sees the
     * winner's rows. Replicas configured with different intervals overwrite each other on each
     * start: the last one started wins.
     *
     * @param jobData small serialisable values only: they are stored in the database (Quartz's
     *                {@code JobDataMap} holds values of any serialisable type)
     */
    public ScheduleChange schedule(String jobName, Duration interval, Class<? extends Job> jobClass,
                                   Map<String, Object> jobData) {
        if (interval.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("interval of " + jobName + " must be at least 100ms, got " + interval);
        }
        JobKey jobKey = JobKey.jobKey(jobName, GROUP);
        TriggerKey triggerKey = TriggerKey.triggerKey(jobName, GROUP);
        JobDetail wanted = JobBuilder.newJob(jobClass).withIdentity(jobKey)
                // durable: the job row outlives a trigger replaced by rescheduleJob
                .storeDurably()
                .usingJobData(new JobDataMap(jobData))
                .build();
        try {
            JobDetail existingJob = scheduler.getJobDetail(jobKey);
            boolean jobChanged = existingJob == null
                    || !existingJob.getJobClass().equals(jobClass)
                    || !existingJob.getJobDataMap().getWrappedMap().equals(wanted.getJobDataMap().getWrappedMap());
            if (jobChanged) {
                scheduler.addJob(wanted, true);
            }

            Trigger existing = scheduler.getTrigger(triggerKey);
            if (existing == null) {
                try {
                    scheduler.scheduleJob(trigger(triggerKey, jobKey, interval));
                    LOG.info("scheduled {} every {}", jobName, interval);
                    return ScheduleChange.CREATED;
                } catch (ObjectAlreadyExistsException raced) {
                    // another replica stored it between our read and write: judge theirs
                    existing = scheduler.getTrigger(triggerKey);
                }
            }
            if (sameSchedule(existing, jobKey, interval)) {
                return jobChanged ? ScheduleChange.UPDATED : ScheduleChange.UNCHANGED;
            }
            scheduler.rescheduleJob(triggerKey, trigger(triggerKey, jobKey, interval));
            LOG.info("rescheduled {} every {}", jobName, interval);
            return ScheduleChange.UPDATED;
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule " + jobName + ": " + e.getMessage(), e);
        }
    }

    private static boolean sameSchedule(Trigger existing, JobKey jobKey, Duration interval) {
        return existing instanceof SimpleTrigger simple
                && simple.getJobKey().equals(jobKey)
                && simple.getRepeatInterval() == interval.toMillis()
                && simple.getRepeatCount() == SimpleTrigger.REPEAT_INDEFINITELY
                && simple.getMisfireInstruction() == SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT;
    }

    private static Trigger trigger(TriggerKey key, JobKey jobKey, Duration interval) {
        return TriggerBuilder.newTrigger().withIdentity(key).forJob(jobKey)
                .startAt(Date.from(Instant.now()))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(interval.toMillis())
                        .repeatForever()
                        // a late firing is skipped to the next slot, never replayed in a burst:
                        // every job re-checks its conditions on its next run anyway
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
    }

    /**
     * The wall clock was stepped by {@code step}: every trigger of this cluster is re-timed to
     * fire now and then every interval, as it would have without the step. After a step back
     * Quartz would otherwise hold each trigger until the wall clock reached its old next fire
     * time again; after a step ahead every trigger is late at once, and a late firing waits for
     * its next slot. Other replicas, whose clocks did not move, just see triggers due now.
     *
     * @return how many triggers were re-timed
     */
    public int clockStepped(Duration step) {
        int retimed = 0;
        try {
            for (TriggerKey key : scheduler.getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP))) {
                if (scheduler.getTrigger(key) instanceof SimpleTrigger simple) {
                    scheduler.rescheduleJob(key, trigger(key, simple.getJobKey(), Duration.ofMillis(simple.getRepeatInterval())));
                    retimed++;
                }
            }
        } catch (SchedulerException e) {
            LOG.warn("the clock was stepped by {} and the triggers could not be re-timed: {}", step, e.getMessage());
            return retimed;
        }
        LOG.warn("the wall clock was stepped by {}s; {} scheduled task(s) re-timed from the new time", step.toSeconds(), retimed);
        runs.recordClockStep(step, retimed);
        return retimed;
    }

    /** The interval job {@code jobName} is scheduled at, as stored (possibly by another replica). */
    public Optional<Duration> interval(String jobName) {
        try {
            Trigger t = scheduler.getTrigger(TriggerKey.triggerKey(jobName, GROUP));
            return t instanceof SimpleTrigger simple ? Optional.of(Duration.ofMillis(simple.getRepeatInterval())) : Optional.empty();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot read the trigger of " + jobName + ": " + e.getMessage(), e);
        }
    }

    /** Removes job {@code jobName} and its trigger for the whole cluster; false when there was none. */
    public boolean unschedule(String jobName) {
        try {
            return scheduler.deleteJob(JobKey.jobKey(jobName, GROUP));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot unschedule " + jobName + ": " + e.getMessage(), e);
        }
    }

    /** Starts (or resumes after {@link #standby()}) firing jobs on this replica. */
    public void start() {
        try {
            scheduler.start();
            clockWatch.start(Duration.ofSeconds(1));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the scheduler: " + e.getMessage(), e);
        }
    }

    /**
     * Stops firing on this replica, leaving the other replicas to fire everything; running jobs
     * finish. Triggers this replica had acquired are handed back at once (Quartz releases them
     * when its thread is signalled), so takeover is bounded by the others' idle wait.
     */
    public void standby() {
        try {
            scheduler.standby();
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot put the scheduler in standby: " + e.getMessage(), e);
        }
    }

    /** True when started and not in standby or shut down. */
    public boolean isRunning() {
        try {
            return scheduler.isStarted() && !scheduler.isInStandbyMode() && !scheduler.isShutdown();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /**
     * Shuts this replica down, waiting for running jobs. First goes to standby and waits (up to
     * the drain timeout) until it holds no acquired-but-unfired triggers: Quartz's shutdown
     * leaves those rows {@code ACQUIRED} until cluster recovery notices this replica is gone
     * (check-in interval + 7.5 s), a gap in firing the others could not fill.
     */
    @Override
    public void close() {
        clockWatch.close();
        try {
            if (scheduler.isShutdown()) {
                return;
            }
            if (scheduler.isStarted()) {
                scheduler.standby();
                drain();
            }
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot shut the scheduler down: " + e.getMessage(), e);
        }
    }

    /**
     * Stops without waiting for running jobs: for a hub whose database is gone for good, where a
     * job stuck in Quartz's retry of its completion (every 15 s, forever) would hold up the exit
     * that lets a supervisor restart the hub.
     */
    public void abandon() {
        clockWatch.close();
        try {
            if (!scheduler.isShutdown()) {
                scheduler.shutdown(false);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot shut the scheduler down: " + e.getMessage(), e);
        }
    }

    private void drain() {
        long deadline = System.nanoTime() + config.drainTimeout().toNanos();
        while (acquiredTriggers() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private int acquiredTriggers() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM qrtz_fired_triggers WHERE sched_name = ? AND instance_name = ? AND state = 'ACQUIRED'")) {
            ps.setString(1, config.clusterName());
            ps.setString(2, instanceId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            LOG.warn("cannot check for acquired triggers before shutdown: {}", e.getMessage());
            return 0;
        }
    }
}
