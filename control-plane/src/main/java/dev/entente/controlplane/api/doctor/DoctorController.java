package dev.entente.controlplane.api.doctor;

import dev.entente.federation.doctor.Doctor;
import java.time.Clock;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * {@code GET /api/v1/doctor}: {@code {"ok": bool, "findings": [...]}}. Always 200 when the
 * operator may read, even with the database down: then the answer is a DR001 finding (with
 * {@code ok: false}) instead of a 503, because telling the operator what is broken is the point.
 * Operator tokens verify against keys held in memory, so authentication needs no database.
 */
@Controller("/api/v1/doctor")
public class DoctorController {
    private final Doctor doctor;
    private final Clock clock;

    public DoctorController(Doctor doctor, Clock clock) {
        this.doctor = doctor;
        this.clock = clock;
    }

    @Get
    public Doctor.Report doctor() {
        return doctor.run(clock.instant());
    }
}
