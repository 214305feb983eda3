package dev.entente.controlplane.api.worker;

import dev.entente.client.request.worker.PauseRequest;
import dev.entente.client.request.worker.ResumeRequest;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.federation.peer.Durations;
import dev.entente.heartbeat.schedule.WorkerPause;
import dev.entente.heartbeat.schedule.WorkerPauses;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code /api/v1/worker}: what is paused and which jobs can be, pause (one job or all, for a
 * while or until resumed) and resume. Every replica and {@code entente worker} honour a pause
 * from their next firing on.
 */
@Controller("/api/v1/worker")
public class WorkerController {
    private final WorkerPauses pauses;
    private final Clock clock;

    public WorkerController(WorkerPauses pauses, Clock clock) {
        this.pauses = pauses;
        this.clock = clock;
    }

    /**
     * The pauses in force and the jobs that can be paused.
     *
     * @param paused what is paused, every job's pause first
     * @param jobs   the names {@code --job} takes
     */
    public record Pauses(@JsonProperty("paused") List<WorkerPause> paused, @JsonProperty("jobs") List<String> jobs) {
    }

    @Get("/pauses")
    public Pauses list(HttpRequest<?> request) {
        return new Pauses(pauses.list(clock.instant()), pauses.jobs());
    }

    @Post("/pause")
    public WorkerPause pause(HttpRequest<?> request, @Nullable @Body PauseRequest body) {
        var operator = OperatorAuthFilter.principal(request);
        PauseRequest pause = Objects.requireNonNullElse(body, PauseRequest.EMPTY);
        Duration lifetime = pause.duration() == null ? null
                : Durations.parse("duration", pause.duration(), WorkerPauses.MAX_PAUSE);
        return pauses.pause(pause.job(), lifetime, pause.reason(), operator.subject());
    }

    @Post("/resume")
    public Pauses resume(HttpRequest<?> request, @Nullable @Body ResumeRequest body) {
        var operator = OperatorAuthFilter.principal(request);
        return new Pauses(pauses.resume(Objects.requireNonNullElse(body, ResumeRequest.EMPTY).job(), operator.subject()),
                pauses.jobs());
    }
}
