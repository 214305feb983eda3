package dev.entente.heartbeat.schedule;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The tasks this process can run, by name. Quartz's tables can only hold serialisable job
 * data, so the live objects reach job instances through this registry, which the scheduler's
 * job factory injects.
 */
public final class TaskRegistry {
    private final ConcurrentMap<String, Task> tasks = new ConcurrentHashMap<>();

    /** Registers a task; registering the same object again is a no-op. */
    public void register(Task task) {
        Objects.requireNonNull(task, "task");
        Task previous = tasks.putIfAbsent(task.name(), task);
        if (previous != null && previous != task) {
            throw new IllegalArgumentException("a different task named " + task.name()
                    + " is already registered; task names must be unique");
        }
    }

    /** The task registered under {@code name}, if this process has one. */
    public Optional<Task> find(String name) {
        return Optional.ofNullable(tasks.get(name));
    }

    /** Names of the registered tasks an operator can pause, sorted. */
    public List<String> pausableNames() {
        return tasks.values().stream().filter(Task::pausable).map(Task::name).sorted().toList();
    }

    /** Names of every registered task, sorted. */
    public List<String> names() {
        return tasks.keySet().stream().sorted().toList();
    }
}
