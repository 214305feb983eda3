package dev.entente.controlplane.hub;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.entente.controlplane.config.LogConfiguration;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Applies {@code entente.log.*} to logback once the hub's configuration is read. */
final class Logging {
    private static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");
    private static final List<String> FORMATS = List.of("text", "json");

    private Logging() {
    }

    /** @throws EntenteException {@code invalid_request} naming the key when a value is not one of its choices */
    static void apply(LogConfiguration log) {
        String level = log.level() == null ? null : check("entente.log.level", log.level(), LEVELS);
        String format = check("entente.log.format", log.format(), FORMATS);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J backend: its own configuration rules
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (level != null) {
            root.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT)));
        }
        if (format.equals("json")) {
            // Every appender of the root, whatever its name: a test classpath brings its own file.
            root.iteratorForAppenders().forEachRemaining(a -> {
                if (a instanceof OutputStreamAppender<ILoggingEvent> appender && !(appender.getEncoder() instanceof JsonEncoder)) {
                    JsonEncoder encoder = new JsonEncoder();
                    encoder.setContext(context);
                    encoder.start();
                    appender.stop();
                    appender.setEncoder(encoder);
                    appender.start();
                }
            });
        }
    }

    private static String check(String key, String value, List<String> choices) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(v)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, key + " '" + value + "' is not one of " + String.join(", ", choices),
                    Map.of("field", key));
        }
        return v;
    }
}
