package dev.entente.controlplane.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.entente.controlplane.ui.ConsoleForm;
import dev.entente.controlplane.ui.ConsoleView;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.netty.NettyHttpHeaders;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.UriRouteMatch;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every request's input checked once, at the edge, before authentication, auditing or any
 * controller sees it: header size, control characters in the path, query, headers and JSON
 * strings (keys and values, at any depth), the body's content type and that it is one JSON
 * object. A refusal names the field, so no bad byte ever reaches PostgreSQL (which refuses NUL in
 * text and jsonb with an error that would surface as a 500) or the audit log.
 *
 * <p>It runs first, ahead of Micronaut Security's filter: authentication refusals are audited with
 * the request's path, and a path holding NUL must not get that far.
 */
@ServerFilter("/**")
public class InputGuard implements Ordered {
    /** All headers of a request together; Netty reads up to 1MB so that a larger head still gets this answer. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** The request line; Netty reads up to 64KB so that a longer one still gets this answer. */
    public static final int MAX_URI_LENGTH = 8 * 1024;
    // Nesting deeper than any documented body is an attack on the parser, not a request.
    private static final int MAX_DEPTH = 32;
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build();

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    // On the event loop: the checks are a scan of bytes already buffered, and a hop to the blocking
    // pool here cost every request (a heartbeat ~100 µs of CPU, measured with bench/run heartbeats).
    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request, @Nullable @Body byte[] body) {
        try {
            headers(request);
            uri(request);
            body(request, body);
            return null;
        } catch (EntenteException e) {
            MutableHttpResponse<?> refusal = Problems.response(e);
            if (ConsoleView.isConsole(request.getPath())) {
                // refused before the console's own filter could add them
                ConsoleView.secure(refusal);
            }
            return refusal;
        }
    }

    private static void headers(HttpRequest<?> request) {
        if (request.getHeaders() instanceof NettyHttpHeaders netty && passes(netty.getNettyHeaders())) {
            return;
        }
        long total = 0;
        String largest = null;
        long largestSize = -1;
        for (Map.Entry<String, List<String>> h : request.getHeaders()) {
            for (String value : h.getValue()) {
                long size = h.getKey().length() + 2L + value.length();
                total += size;
                if (size > largestSize) {
                    largest = h.getKey();
                    largestSize = size;
                }
            }
        }
        if (total > MAX_HEADER_BYTES) {
            throw new EntenteException(ErrorCode.REQUEST_HEADERS_TOO_LARGE, "the request's headers are " + total
                    + " bytes, over the " + MAX_HEADER_BYTES + " this hub accepts; the largest is " + largest + " ("
                    + largestSize + " bytes): send only 'Authorization: Bearer <token>' with a token the hub issued",
                    Map.of("field", largest));
        }
        for (Map.Entry<String, List<String>> h : request.getHeaders()) {
            for (String value : h.getValue()) {
                // a header value may hold a tab (RFC 9110 allows HTAB); nothing else below 0x20
                refuseControl("header " + h.getKey(), value, "\t");
            }
        }
    }

    /**
     * One pass over Netty's own header entries: whether they are within the size limit and free of
     * control characters. Micronaut's view of them builds a list per name, which cost every request
     * more than the checks; a refusal is still worked out, and worded, by the full pass.
     */
    private static boolean passes(io.netty.handler.codec.http.HttpHeaders headers) {
        long total = 0;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = headers.iteratorCharSequence(); it.hasNext(); ) {
            Map.Entry<CharSequence, CharSequence> h = it.next();
            total += h.getKey().length() + 2L + h.getValue().length();
            if (!clean(h.getValue(), "\t")) {
                return false;
            }
        }
        return total <= MAX_HEADER_BYTES;
    }

    private static void uri(HttpRequest<?> request) {
        String raw = request.getUri().toString();
        if (raw.length() > MAX_URI_LENGTH) {
            throw new EntenteException(ErrorCode.URI_TOO_LONG, "the request URI is " + raw.length() + " characters, over the "
                    + MAX_URI_LENGTH + " this hub accepts; ids and query values are short, check what built the URL");
        }
        Optional<UriRouteMatch<?, ?>> route = RouteAttributes.getRouteMatch(request)
                .filter(UriRouteMatch.class::isInstance).map(m -> (UriRouteMatch<?, ?>) m);
        route.ifPresent(r -> r.getVariableValues().forEach((name, value) -> refuseControl(name, String.valueOf(value), "")));
        // also catches what no route variable holds (an unknown route, a literal segment)
        refuseControl("path", request.getPath(), "");
        if (raw.indexOf('?') < 0) {
            // no query: nothing to decode (Micronaut's parameter map is built on first use)
            return;
        }
        for (Map.Entry<String, List<String>> q : request.getParameters()) {
            refuseControl("query parameter name", q.getKey(), "");
            for (String value : q.getValue()) {
                refuseControl(q.getKey(), value, "");
            }
        }
    }

    private static void body(HttpRequest<?> request, byte[] body) {
        if (body == null || body.length == 0 || !hasBody(request.getMethod())) {
            return;
        }
        MediaType type = request.getContentType().orElse(null);
        if (ConsoleView.isConsole(request.getPath())) {
            form(type, body);
            return;
        }
        if (type == null || !("json".equals(type.getSubtype()) || type.getSubtype().endsWith("+json"))) {
            throw new EntenteException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body is "
                    + (type == null ? "sent without a Content-Type" : printable(type.getName()))
                    + "; send JSON with 'Content-Type: application/json'", Map.of("field", "Content-Type"));
        }
        String charset = type.getParameters().get("charset").orElse(null);
        if (charset != null && !charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
            // RFC 8259 §8.1: JSON between systems is UTF-8; another label means the bytes are not what they say
            throw new EntenteException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body is declared " + printable(charset)
                    + "; send UTF-8 JSON with 'Content-Type: application/json'", Map.of("field", "Content-Type"));
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "the body must be one JSON object, "
                        + "like {\"name\": \"hub-b\"}; docs/openapi.yml lists each route's fields", Map.of("field", "body"));
            }
            // The field's name (its body path) is worked out only for a refusal: building it for
            // every key and string (two regular expressions each) cost more than the scan itself.
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME && !clean(p.currentName(), "")) {
                    refuseControl(pointer(p) + " (a key)", p.currentName(), "");
                } else if (t == JsonToken.VALUE_STRING && !clean(p.getText(), "\t\n\r")) {
                    // PEM blocks and free text span lines; no other control character means anything in a field
                    refuseControl(pointer(p), p.getText(), "\t\n\r");
                }
            }
        } catch (StreamConstraintsException e) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "the body nests deeper than " + MAX_DEPTH
                    + " levels; no request of this API needs more than three", Map.of("field", "body"));
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "the body is not valid JSON" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"), Map.of("field", "body"));
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "the body cannot be read as JSON", Map.of("field", "body"));
        }
    }

    /** The console's forms: URL-encoded, and every name and value free of control characters but line breaks and tabs. */
    private static void form(MediaType type, byte[] body) {
        if (type == null || !MediaType.APPLICATION_FORM_URLENCODED_TYPE.getName().equals(type.getName())) {
            throw new EntenteException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body is "
                    + (type == null ? "sent without a Content-Type" : printable(type.getName()))
                    + "; console forms are 'application/x-www-form-urlencoded'", Map.of("field", "Content-Type"));
        }
        ConsoleForm.parse(body).fields().forEach((name, values) -> {
            refuseControl("form field name", name, "");
            values.forEach(v -> refuseControl(printable(name), v, "\t\n\r"));
        });
    }

    private static boolean hasBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH || method == HttpMethod.DELETE;
    }

    /** The field a JSON token belongs to, as its body path: {@code attributes.zone}, {@code tls_fingerprints[0]}. */
    private static String pointer(JsonParser p) {
        StringBuilder b = new StringBuilder();
        for (var c = p.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
            String part = c.inArray() ? "[" + Math.max(c.getCurrentIndex(), 0) + "]"
                    : c.getCurrentName() == null ? "" : "." + printable(c.getCurrentName());
            b.insert(0, part);
        }
        return b.length() > 0 && b.charAt(0) == '.' ? b.substring(1) : b.length() == 0 ? "body" : "body" + b;
    }

    /** Whether {@link #refuseControl} would let {@code value} pass. */
    static boolean clean(CharSequence value, String allowed) {
        if (value == null) {
            return true;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && allowed.indexOf(c) < 0) || c == 0x7f || Character.isSurrogate(c)) {
                // a surrogate may be a valid pair: refuseControl tells
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses {@code value} when it holds NUL, another C0 control character (except those in
     * {@code allowed}), DEL or an unpaired surrogate: PostgreSQL refuses NUL in text, and the
     * others only hide what a value really is from the operator reading an audit line.
     */
    static void refuseControl(String field, String value, String allowed) {
        if (value == null) {
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && allowed.indexOf(c) < 0) || c == 0x7f) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, field + " holds the control character "
                        + String.format("U+%04X", (int) c) + " at position " + i + "; remove it",
                        Map.of("field", field));
            }
            if (Character.isSurrogate(c)) {
                // a lone surrogate (JSON "\ud800") is not text: PostgreSQL would store '?' in its place
                boolean paired = Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
                if (!paired) {
                    throw new EntenteException(ErrorCode.INVALID_REQUEST, field + " holds an unpaired surrogate "
                            + String.format("U+%04X", (int) c) + " at position " + i + "; send valid UTF-8 text",
                            Map.of("field", field));
                }
                i++;
            }
        }
    }

    /** A value as it may be echoed: control characters replaced, cut at 64 characters. */
    private static String printable(String s) {
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }
}
