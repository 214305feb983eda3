package dev.entente.federation.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How the protocol reads a field another hub sent: a value of the wrong JSON type reads as null
 * (as a missing one does), never as a coerced value or a parse failure, so the protocol code
 * refuses it in protocol order with its own code (a foreign {@code protocol_version} before
 * anything else). Put on a record component with {@code @JsonDeserialize(using = ...)}.
 */
public final class Lenient {
    private Lenient() {
    }

    /** A JSON string; anything else is null. */
    public static final class Text extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            p.skipChildren();
            return null;
        }
    }

    /** A JSON string or null; any other value is refused as an invalid request naming the field. */
    public static final class StrictText extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            throw new EntenteException(ErrorCode.INVALID_REQUEST, p.currentName() + " must be a string");
        }
    }

    /** A whole number that fits an int ({@code 1.0} is 1); anything else is null. */
    public static final class WholeNumber extends JsonDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken().isNumeric()) {
                double d = p.getDoubleValue();
                return d == (int) d ? (int) d : null;
            }
            p.skipChildren();
            return null;
        }
    }

    /** A JSON integer (a sequence number); anything else is null. */
    public static final class Count extends JsonDeserializer<Long> {
        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return p.getLongValue();
            }
            p.skipChildren();
            return null;
        }
    }

    /** Exactly {@code true}; anything else is false. */
    public static final class Flag extends JsonDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            boolean on = p.currentToken() == JsonToken.VALUE_TRUE;
            p.skipChildren();
            return on;
        }

        @Override
        public Boolean getNullValue(DeserializationContext ctxt) {
            return false;
        }
    }

    /** An array read as texts (a non-string element as its JSON text); anything else is an empty list. */
    public static final class TextList extends JsonDeserializer<List<String>> {
        @Override
        public List<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            List<String> out = new ArrayList<>();
            if (p.currentToken() != JsonToken.START_ARRAY) {
                p.skipChildren();
                return out;
            }
            while (p.nextToken() != JsonToken.END_ARRAY) {
                JsonNode element = p.readValueAsTree();
                out.add(element.isTextual() ? element.textValue() : element.isValueNode() ? element.asText() : element.toString());
            }
            return out;
        }
    }

    /**
     * A JSON object read as its record (whose own fields are lenient); anything else is null.
     * Contextual: it reads the record with the deserializer the record type has.
     */
    public static final class Nested extends JsonDeserializer<Object> implements ContextualDeserializer {
        private final JsonDeserializer<Object> record;

        public Nested() {
            this(null);
        }

        private Nested(JsonDeserializer<Object> record) {
            this.record = record;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) throws JsonMappingException {
            JavaType type = property != null ? property.getType() : ctxt.getContextualType();
            return new Nested(ctxt.findRootValueDeserializer(type));
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.START_OBJECT && record != null) {
                return record.deserialize(p, ctxt);
            }
            p.skipChildren();
            return null;
        }
    }
}
