package dev.entente.heartbeat.schedule;

import org.quartz.Job;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.simpl.PropertySettingJobFactory;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;

/**
 * Builds job instances with this process's plain objects: a job class whose public
 * constructor takes only known types ({@link TaskRunner}, {@link TaskRegistry},
 * {@link WorkerRuns}, the {@code DataSource}, the {@code Clock}) gets them; any other job class
 * falls back to Quartz's default (no-arg constructor, job data set as bean properties).
 * The database only stores the job's class name and serialisable data, never these objects.
 */
final class WorkerJobFactory implements JobFactory {
    private final Map<Class<?>, Object> injectables;
    private final PropertySettingJobFactory fallback = new PropertySettingJobFactory();

    WorkerJobFactory(Map<Class<?>, Object> injectables) {
        this.injectables = Map.copyOf(injectables);
    }

    @Override
    public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) throws SchedulerException {
        Class<? extends Job> jobClass = bundle.getJobDetail().getJobClass();
        for (Constructor<?> ctor : jobClass.getConstructors()) {
            Object[] args = argumentsFor(ctor);
            if (args != null) {
                try {
                    return jobClass.cast(ctor.newInstance(args));
                } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
                    throw new SchedulerException("cannot build job " + jobClass.getName(), e);
                }
            }
        }
        return fallback.newJob(bundle, scheduler);
    }

    private Object[] argumentsFor(Constructor<?> ctor) {
        Class<?>[] types = ctor.getParameterTypes();
        if (types.length == 0) {
            return null;
        }
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Object value = injectables.get(types[i]);
            if (value == null) {
                return null;
            }
            args[i] = value;
        }
        return args;
    }
}
