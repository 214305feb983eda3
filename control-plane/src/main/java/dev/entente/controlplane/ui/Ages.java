package dev.entente.controlplane.ui;

import java.time.Duration;
import java.time.Instant;

/** Times as an operator reads them on a page: {@code 3m}, {@code 2h 5m}, {@code 4d 1h}. */
final class Ages {
    private Ages() {
    }

    /** {@code d} in its two largest units; negative durations get a minus sign. */
    static String age(Duration d) {
        if (d.isNegative()) {
            return "-" + age(d.negated());
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : " " + (s % 60) + "s");
        }
        if (s < 86_400) {
            return (s / 3600) + "h" + (s % 3600 / 60 == 0 ? "" : " " + (s % 3600 / 60) + "m");
        }
        return (s / 86_400) + "d" + (s % 86_400 / 3600 == 0 ? "" : " " + (s % 86_400 / 3600) + "h");
    }

    /** How long ago {@code then} was, or null when it never happened. */
    static String since(Instant then, Instant now) {
        return then == null ? null : age(Duration.between(then, now));
    }

    /** How long until {@code then}, or null when there is no such time. */
    static String until(Instant then, Instant now) {
        return then == null ? null : age(Duration.between(now, then));
    }
}
