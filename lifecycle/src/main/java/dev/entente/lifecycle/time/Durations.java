package dev.entente.lifecycle.time;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d}. */
public final class Durations {
    /**
     * The longest duration any setting or field may hold: 100 years. Anything longer is a typo,
     * and bounding it keeps {@code now.plus(d)} and {@code d.toMillis()} far from overflow.
     */
    public static final Duration MAX = Duration.ofDays(36_500);
    private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h|d)");
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
     * is not a duration or is longer than {@code max} (itself at most {@link #MAX}).
     */
    public static Duration parse(String field, String text, Duration max) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, field + " '" + printable(text)
                    + "' is not a duration; write it like 500ms, 30s, 5m, 24h or 7d (at most " + format(max) + ")",
                    Map.of("field", field));
        }
        Duration bound = max.compareTo(MAX) > 0 ? MAX : max;
        String digits = m.group(1).replaceFirst("^0+(?=\\d)", "");
        // Bounded before any arithmetic: 999999999999999d must be refused, not overflow.
        long n = digits.length() > MAX_DIGITS ? Long.MAX_VALUE : Long.parseLong(digits);
        boolean tooLong = switch (m.group(2)) {
            case "ms" -> n > bound.toMillis();
            case "s" -> n > bound.toSeconds();
            case "m" -> n > bound.toMinutes();
            case "h" -> n > bound.toHours();
            case "d" -> n > bound.toDays();
            default -> throw new IllegalStateException(m.group(2));
        };
        if (tooLong) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, field + " '" + text.trim() + "' is too long; the maximum is "
                    + format(bound), Map.of("field", field));
        }
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalStateException(m.group(2));
        };
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
}
