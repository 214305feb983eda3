package dev.entente.federation.peer;

import java.time.Duration;

/** Durations as operators read them in reasons and messages: {@code 5m}, {@code 7s}, {@code 1h30m}. */
final class Durations {
    private Durations() {
    }

    /** Whole seconds, largest units first, zero units left out; below a second, milliseconds. */
    static String format(Duration d) {
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long seconds = d.getSeconds();
        if (seconds == 0) {
            return d.toMillis() + "ms";
        }
        StringBuilder out = new StringBuilder();
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        long secs = seconds % 60;
        if (days > 0) {
            out.append(days).append('d');
        }
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (secs > 0) {
            out.append(secs).append('s');
        }
        return out.toString();
    }

    /**
     * The SQL twin of {@link #format}: an expression giving the same text for a non-negative
     * number of seconds {@code secondsExpr} (numeric, fractions allowed), so set-based updates
     * word reasons exactly as per-row ones do. {@code secondsExpr} appears once in the result,
     * so any placeholder in it is bound once. A spec compares both on a table of durations.
     */
    static String sqlFormat(String secondsExpr) {
        return "(SELECT CASE WHEN x.s = 0 THEN floor(x.e * 1000)::bigint || 'ms' ELSE "
                + "CASE WHEN x.s >= 86400 THEN (x.s / 86400) || 'd' ELSE '' END"
                + " || CASE WHEN x.s % 86400 >= 3600 THEN (x.s % 86400 / 3600) || 'h' ELSE '' END"
                + " || CASE WHEN x.s % 3600 >= 60 THEN (x.s % 3600 / 60) || 'm' ELSE '' END"
                + " || CASE WHEN x.s % 60 > 0 THEN (x.s % 60) || 's' ELSE '' END END"
                + " FROM (SELECT y.e, floor(y.e)::bigint AS s FROM (SELECT (" + secondsExpr + ") AS e) y) x)";
    }
}
