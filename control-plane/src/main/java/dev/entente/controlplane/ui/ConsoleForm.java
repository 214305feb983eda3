package dev.entente.controlplane.ui;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A console form as the browser posts it ({@code application/x-www-form-urlencoded}), decoded once
 * by the edge: {@code InputGuard} checks its values, {@link ConsoleGate} its form token, and the
 * page reads its fields from the request. A field the form repeats (checkboxes) keeps every value.
 */
public record ConsoleForm(Map<String, List<String>> fields) {
    /** The form a request carried, decoded once by {@link ConsoleGate}. */
    static final String ATTRIBUTE = "entente.console.form";
    /** The field holding the form token. */
    public static final String CSRF = "csrf";
    static final ConsoleForm EMPTY = new ConsoleForm(Map.of());

    /** Decodes {@code body}; malformed escapes are refused. */
    public static ConsoleForm parse(byte[] body) {
        if (body == null || body.length == 0) {
            return EMPTY;
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            fields.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return new ConsoleForm(Map.copyOf(fields));
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "the form is not URL-encoded: " + e.getMessage(),
                    Map.of("field", "body"));
        }
    }

    /** The field's value, trimmed; null when absent or blank. */
    public String get(String name) {
        List<String> values = fields.get(name);
        if (values == null || values.isEmpty() || values.get(0).isBlank()) {
            return null;
        }
        return values.get(0).trim();
    }

    /** Every value of a repeated field. */
    public List<String> all(String name) {
        return fields.getOrDefault(name, List.of());
    }

    /** A comma- or space-separated field as its parts: a list typed into one box. */
    public List<String> list(String name) {
        String value = get(name);
        if (value == null) {
            return List.of();
        }
        return List.of(value.split("[,\\s]+")).stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Whether a checkbox was ticked. */
    public boolean checked(String name) {
        String value = get(name);
        return value != null && !value.equals("false");
    }
}
