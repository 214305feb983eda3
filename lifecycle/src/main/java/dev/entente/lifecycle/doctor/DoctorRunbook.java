package dev.entente.lifecycle.doctor;

import dev.entente.lifecycle.error.PublicCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runbook section of a doctor or error code, read from the copy of {@code runbooks/*.md} bundled on
 * the classpath (so {@code entente doctor --explain} works from the jar, with no checkout).
 */
public final class DoctorRunbook {
    private DoctorRunbook() {
    }

    /** {@code ## DR0xx} or {@code ## error_code} up to the next {@code ## } heading, heading included; empty when missing. */
    public static Optional<String> section(PublicCode code) {
        String text = read(code.runbookFile().path());
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = Pattern.compile("(?ms)^## " + Pattern.quote(code.code()) + "\\s*$.*?(?=^## |\\z)").matcher(text);
        return m.find() ? Optional.of(m.group().strip()) : Optional.empty();
    }

    /** Where the section lives, as error problems name theirs. */
    public static String anchor(PublicCode code) {
        return code.runbook();
    }

    private static String read(String resource) {
        try (InputStream in = DoctorRunbook.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
