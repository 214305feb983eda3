package dev.entente.federation.peer;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them ({@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h},
 * {@code 7d}, {@code 1h30m}: settings, request fields, stored approval arguments, which {@link #format} writes
 * back in the same form) and as they read them in reasons ({@link #describe}: {@code 1h30m}).
 */
public final class Durations {
    /**
     * The longest duration any setting or field may hold: 100 years. Anything longer is a typo,
     * and bounding it keeps {@code now.plus(d)} and {@code d.toMillis()} far from overflow.
     */
    public static final Duration MAX = Duration.ofDays(36_500);
    private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern COMPOUND = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    /** Units largest first: a compound form must name them in this order. */
    private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");
    /** More digits than this is over {@link #MAX} in any unit; fewer keeps {@code n * 86 400} a long. */
    private static final int MAX_DIGITS = 13;

    private Durations() {
    }

    /** A setting's duration, bounded by {@link #MAX}. */
    public static Duration parse(String text) {
        return parse("duration", text, MAX);
    }

    /**
     * A request field's duration: refused with {@code invalid_request} naming {@code field} when it
     * is not a duration or is longer than {@code max} (itself at most {@link #MAX}). Compound forms
     * ({@code 1h30m}, {@code 2d12h}) are read too, units largest first and each once: what
     * {@link #describe} prints can be typed back.
     */
    public static Duration parse(String field, String text, Duration max) {
        String t = text == null ? "" : text.trim();
        Matcher whole = COMPOUND.matcher(t);
        if (!whole.matches()) {
            throw notADuration(field, text, max);
        }
        Duration bound = max.compareTo(MAX) > 0 ? MAX : max;
        Duration total = Duration.ZERO;
        int lastUnit = -1;
        Matcher m = FORM.matcher(t);
        while (m.find()) {
            int unit = UNITS.indexOf(m.group(2));
            if (unit <= lastUnit) {
                throw notADuration(field, text, max); // 30m1h, 1h1h: a typo, not a sum to guess at
            }
            lastUnit = unit;
            String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
            // Bounded before any arithmetic: 999999999999999d must be refused, not overflow.
            long n = digits.length() > MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(digits);
            Duration part = part(n, m.group(2), bound);
            if (part == null || total.plus(part).compareTo(bound) > 0) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, field + " '" + t + "' is too long; the maximum is "
                        + format(bound), Map.of("field", field));
            }
            total = total.plus(part);
        }
        return total;
    }

    /** {@code n} of {@code unit}, or null when that alone is over {@code bound}. */
    private static Duration part(long n, String unit, Duration bound) {
        boolean tooLong = switch (unit) {
            case "ms" -> n > bound.toMillis();
            case "s" -> n > bound.toSeconds();
            case "m" -> n > bound.toMinutes();
            case "h" -> n > bound.toHours();
            case "d" -> n > bound.toDays();
            default -> throw new IllegalStateException(unit);
        };
        if (tooLong) {
            return null;
        }
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalStateException(unit);
        };
    }

    private static EntenteException notADuration(String field, String text, Duration max) {
        return new EntenteException(ErrorCode.INVALID_REQUEST, field + " '" + printable(text)
                + "' is not a duration; write it like 500ms, 30s, 5m, 24h, 7d or 1h30m (at most " + format(max) + ")",
                Map.of("field", field));
    }

    /** The shortest exact form: {@code 5m}, not {@code 300s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0 && ms != 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0 && ms != 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms != 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** The text as it can be echoed in a detail: control characters shown as {@code \u0000}, long text cut. */
    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        text.codePoints().limit(64).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return text.length() > 64 ? b + "..." : b.toString();
    }

    /**
     * How long, for a reason or a message ({@code 1h30m}, {@code 7s}): whole seconds, largest
     * units first, zero units left out; below a second, milliseconds. Not for values read back.
     */
    public static String describe(Duration d) {
        if (d.isNegative()) {
            return "-" + describe(d.negated());
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
     * The SQL twin of {@link #describe}: an expression giving the same text for a non-negative
     * number of seconds {@code secondsExpr} (numeric, fractions allowed), so set-based updates
     * word reasons exactly as per-row ones do. {@code secondsExpr} appears once in the result,
     * so any placeholder in it is bound once. A spec compares both on a table of durations.
     */
    public static String sqlDescribe(String secondsExpr) {
        return "(SELECT CASE WHEN x.s = 0 THEN floor(x.e * 1000)::bigint || 'ms' ELSE "
                + "CASE WHEN x.s >= 86400 THEN (x.s / 86400) || 'd' ELSE '' END"
                + " || CASE WHEN x.s % 86400 >= 3600 THEN (x.s % 86400 / 3600) || 'h' ELSE '' END"
                + " || CASE WHEN x.s % 3600 >= 60 THEN (x.s % 3600 / 60) || 'm' ELSE '' END"
                + " || CASE WHEN x.s % 60 > 0 THEN (x.s % 60) || 's' ELSE '' END END"
                + " FROM (SELECT y.e, floor(y.e)::bigint AS s FROM (SELECT (" + secondsExpr + ") AS e) y) x)";
    }
}
