package dev.entente.client.request;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the admin API reads the fields of its request records, with one clear 400 per wrong field.
 * Put a reader on a record component with {@code @JsonDeserialize(using = ...)}: a JSON value of
 * the wrong type is refused with the field's name, never coerced ({@code 5} is not {@code "5"}),
 * and a JSON {@code null} reads as an absent field. The server and the CLI share these records, so
 * the CLI sends exactly the fields the server reads; a refusal thrown while the server binds a body
 * keeps its words (the control plane's {@code ProblemErrorResponseProcessor}).
 */
public final class Bodies {
    /** Longest string field accepted (PEM bundles and tokens fit with room to spare). */
    public static final int MAX_STRING = 65_536;

    private Bodies() {
    }

    /** {@code value} of a required field: refused when absent or blank, in the words a wrong type gets. */
    public static String required(String key, String value) {
        if (value == null || value.isBlank()) {
            throw requiredString(key);
        }
        return value;
    }

    private static EntenteException requiredString(String key) {
        return new EntenteException(ErrorCode.INVALID_REQUEST, key + " is required and must be a string");
    }

    private static String text(JsonParser p) throws IOException {
        return p.currentToken() == JsonToken.VALUE_STRING && p.getTextLength() <= MAX_STRING ? p.getText() : null;
    }

    /** An optional string: {@code <field> must be a string} for any other JSON type or one over {@link #MAX_STRING}. */
    public static final class Text extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String s = text(p);
            if (s == null) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, p.currentName() + " must be a string");
            }
            return s;
        }
    }

    /**
     * A required string: {@code <field> is required and must be a string} for another JSON type,
     * a blank one or one over {@link #MAX_STRING}. Absence is the command's or the controller's to
     * refuse (with {@link #required}), in the same words.
     */
    public static final class RequiredText extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String s = text(p);
            if (s == null || s.isBlank()) {
                throw requiredString(p.currentName());
            }
            return s;
        }
    }

    /**
     * A value that names one of a fixed set (a CA type, a rotation phase): any JSON value reads
     * as its text, so that the refusal can say what was sent and what is allowed.
     */
    public static final class Name extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode value = p.readValueAsTree();
            return value.isValueNode() ? value.asText() : value.toString();
        }
    }

    /** {@code true} or {@code false}; {@code <field> must be true or false} for anything else; null when absent. */
    public static final class Bool extends JsonDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_TRUE || p.currentToken() == JsonToken.VALUE_FALSE) {
                return p.getBooleanValue();
            }
            throw new EntenteException(ErrorCode.INVALID_REQUEST, p.currentName() + " must be true or false");
        }
    }

    /** A list of strings; {@code <field> must be a list of strings} for anything else. */
    public static final class Strings extends JsonDeserializer<List<String>> {
        @Override
        public List<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String field = p.currentName();
            List<String> out = new ArrayList<>();
            if (p.currentToken() == JsonToken.START_ARRAY) {
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t != JsonToken.VALUE_STRING) {
                        throw listOfStrings(field);
                    }
                    out.add(p.getText());
                }
                return Collections.unmodifiableList(out);
            }
            throw listOfStrings(field);
        }

        private static EntenteException listOfStrings(String field) {
            return new EntenteException(ErrorCode.INVALID_REQUEST, field + " must be a list of strings");
        }
    }

    /**
     * A resource's free-form {@code attributes}: an object of strings. Anything else is
     * {@code attributes must be an object of strings}; a value of another type is
     * {@code attribute <key> must be a string}.
     */
    public static final class Attributes extends JsonDeserializer<Map<String, String>> {
        @Override
        public Map<String, String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "attributes must be an object of strings");
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String key = p.currentName();
                if (p.nextToken() != JsonToken.VALUE_STRING) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, "attribute " + key + " must be a string");
                }
                out.put(key, p.getText());
            }
            return Collections.unmodifiableMap(out);
        }
    }
}
