package dev.entente.controlplane.doctor;


import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Builds a {@link DoctorCheck} from a code and a body; the check classes are lists of these. */
final class Checks {
    private Checks() {
    }

    /** The body of a check. */
    interface Body {
        List<Finding> run(DoctorContext hub, Instant now) throws Exception;
    }

    static DoctorCheck of(DoctorCode code, boolean needsDatabase, Body body) {
        return new DoctorCheck() {
            @Override
            public DoctorCode code() {
                return code;
            }

            @Override
            public boolean needsDatabase() {
                return needsDatabase;
            }

            @Override
            public List<Finding> run(DoctorContext hub, Instant now) throws Exception {
                return body.run(hub, now);
            }

            @Override
            public String toString() {
                return code + " " + code.checkName();
            }
        };
    }

    /** {@code 2h 5m}, {@code 40s}: how long, for a diagnosis. */
    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s >= 86_400) {
            return (s / 86_400) + "d " + (s % 86_400) / 3600 + "h";
        }
        if (s >= 3600) {
            return (s / 3600) + "h " + (s % 3600) / 60 + "m";
        }
        if (s >= 60) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return s + "s";
    }
}
