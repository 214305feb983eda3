package dev.entente.controlplane.api;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading JSON request bodies field by field, with one clear 400 per wrong field. A body is the
 * untyped JSON object Micronaut read (a map) only until the command record is made from it here.
 */
public final class Bodies {
    /** Longest string field accepted (PEM bundles and tokens fit with room to spare). */
    public static final int MAX_STRING = 65_536;

    private Bodies() {
    }

    /** A string field: null when absent and optional; refused when of another type, blank-but-required or too long. */
    public static String string(Map<String, Object> body, String key, boolean required) {
        Object v = body == null ? null : body.get(key);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s) || (required && s.isBlank()) || s.length() > MAX_STRING) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, key + (required ? " is required and" : "") + " must be a string");
        }
        return s;
    }

    /** A list-of-strings field; empty when absent. */
    public static List<String> strings(Map<String, Object> body, String key) {
        Object v = body == null ? null : body.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> l) || l.stream().anyMatch(x -> !(x instanceof String))) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, key + " must be a list of strings");
        }
        return l.stream().map(String.class::cast).toList();
    }

    /** The {@code attributes} object of a resource: string values only; empty when absent. */
    public static Map<String, String> attributes(Map<String, Object> body) {
        Object v = body == null ? null : body.get("attributes");
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "attributes must be an object of strings");
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, val) -> {
            if (!(val instanceof String s)) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "attribute " + k + " must be a string");
            }
            out.put(String.valueOf(k), s);
        });
        return out;
    }
}
