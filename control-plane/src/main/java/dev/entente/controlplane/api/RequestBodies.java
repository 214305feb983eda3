package dev.entente.controlplane.api;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.util.Map;

/**
 * A request record read by hand, through Micronaut's mapper, with the refusals of the readers in
 * {@code dev.entente.client.request.Bodies} kept in their own words.
 */
public final class RequestBodies {
    private static final byte[] EMPTY_OBJECT = {'{', '}'};

    private RequestBodies() {
    }

    /**
     * {@code body} read as {@code type} where a controller must decide something before it reads
     * the body (the federation API authenticates first); an absent body reads as {@code {}}.
     */
    public static <T> T read(JsonMapper json, byte[] body, Class<T> type) {
        try {
            return json.readValue(body == null || body.length == 0 ? EMPTY_OBJECT : body, Argument.of(type));
        } catch (IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof EntenteException refused) {
                    throw refused;
                }
            }
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "the body cannot be read as JSON", Map.of("field", "body"));
        }
    }
}
