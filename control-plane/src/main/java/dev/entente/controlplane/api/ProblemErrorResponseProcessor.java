package dev.entente.controlplane.api;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.Problem;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.bind.exceptions.UnsatisfiedArgumentException;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import jakarta.inject.Singleton;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns Micronaut's own errors (unknown route, wrong method, unreadable JSON, a parameter of the
 * wrong type, a request too large, unexpected exceptions) into the same problem+json every Entente
 * error uses. The body's {@code status} is always the HTTP status; a detail never names a Java
 * class or echoes a framework message (a 500's can carry SQL or paths; the hub log has the stack
 * trace), only the parameter and what it must be.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Problem> {
    /** What a framework message looks like when it would leak the implementation. */
    static final Pattern IMPLEMENTATION = Pattern.compile(
            "(?i)\\b(java|javax|jdk|sun|io\\.micronaut|io\\.netty|com\\.fasterxml|org\\.[a-z]+|reactor|groovy)\\.[a-z]"
                    + "|failed to convert|exception|\\bclass\\b|\\$|`");

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<Problem> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        MutableHttpResponse<Problem> r = (MutableHttpResponse<Problem>) response;
        HttpRequest<?> request = context.getRequest();
        if (request.getMethod() == HttpMethod.HEAD) {
            return r;
        }
        int status = response.code();
        if (status == 413) {
            // Netty reports every "too long" as 413: a head or request line over its limit is 431 or 414
            Throwable decoding = decoderFailure(request);
            if (decoding instanceof TooLongHttpHeaderException) {
                status = 431;
            } else if (decoding instanceof TooLongHttpLineException) {
                status = 414;
            }
            r.status(status);
        }
        ErrorCode code = switch (status) {
            case 401 -> ErrorCode.AUTH_TOKEN_MISSING;
            case 403 -> ErrorCode.AUTH_ROLE_FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406 -> ErrorCode.NOT_ACCEPTABLE;
            case 413 -> ErrorCode.REQUEST_TOO_LARGE;
            case 414 -> ErrorCode.URI_TOO_LONG;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 431 -> ErrorCode.REQUEST_HEADERS_TOO_LARGE;
            default -> status >= 500 || status < 400 ? ErrorCode.INTERNAL_ERROR : ErrorCode.INVALID_REQUEST;
        };
        String field = null;
        String detail;
        Throwable cause = context.getRootCause().orElse(null);
        if (code == ErrorCode.INTERNAL_ERROR) {
            detail = "unexpected error; the hub log has the details";
        } else if (code == ErrorCode.NOT_FOUND) {
            detail = "no route " + request.getMethodName() + " " + printable(request.getPath());
        } else if (code == ErrorCode.REQUEST_TOO_LARGE) {
            detail = "the request body is over the 1MB this hub reads; send only the documented fields";
        } else if (code == ErrorCode.REQUEST_HEADERS_TOO_LARGE) {
            detail = "the request's headers are over what this hub reads; send only 'Authorization: Bearer <token>'";
        } else if (code == ErrorCode.URI_TOO_LONG) {
            detail = "the request line is over what this hub reads; ids and query values are short";
        } else if (status == 400 && decoderFailure(request) != null) {
            detail = "the request line or a header is not valid HTTP: control characters and bare CR or LF are refused";
        } else if (cause instanceof ConversionErrorException c && refusal(c) instanceof EntenteException refused
                && refused.code() == code) {
            // a field a record refuses while it is read (a heartbeat's ca_phase, an admin request's name) keeps its own words
            detail = refused.detail();
        } else if (cause instanceof ConversionErrorException c) {
            detail = c.getArgument().getName() + " must be " + expected(c.getArgument());
            field = c.getArgument().getName();
        } else if (cause instanceof UnsatisfiedArgumentException u) {
            detail = u.getArgument().getName() + " is required" + ("body".equals(u.getArgument().getName())
                    ? ": send a JSON object with 'Content-Type: application/json'" : "");
            field = u.getArgument().getName();
        } else {
            String message = context.getErrors().stream().findFirst().map(Error::getMessage).orElse(null);
            detail = message == null || IMPLEMENTATION.matcher(message).find()
                    ? fallback(code) : printable(message).toLowerCase(Locale.ROOT);
        }
        Problem p = new Problem(code.code(), code.title(), status, detail, code.runbook(),
                field == null ? Map.of() : Map.of("field", field));
        return r.contentType(Problems.PROBLEM_JSON).body(p);
    }

    private static Throwable decoderFailure(HttpRequest<?> request) {
        if (request instanceof NettyHttpRequest<?> netty) {
            DecoderResult result = netty.getNativeRequest().decoderResult();
            return result.isFailure() ? result.cause() : null;
        }
        return null;
    }

    /** The first {@link EntenteException} among {@code t} and its causes, or null. */
    private static Throwable refusal(Throwable t) {
        Throwable c = t;
        while (c != null && !(c instanceof EntenteException)) {
            c = c.getCause();
        }
        return c;
    }

    /** What a parameter of this type accepts, in the operator's words. */
    private static String expected(Argument<?> argument) {
        Class<?> t = argument.getType();
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
            return "a whole number";
        }
        if (Map.class.isAssignableFrom(t) || t.isRecord()) {
            return "a JSON object";
        }
        return "as docs/openapi.yml describes it";
    }

    private static String fallback(ErrorCode code) {
        return switch (code) {
            case METHOD_NOT_ALLOWED -> "this route does not answer that method; docs/openapi.yml lists each route's methods";
            case NOT_ACCEPTABLE -> "this route answers application/json; send that in Accept, or no Accept header";
            case UNSUPPORTED_MEDIA_TYPE -> "send JSON with 'Content-Type: application/json'";
            default -> "the request cannot be read; docs/openapi.yml describes each route's parameters and body";
        };
    }

    private static String printable(String s) {
        String cut = s.length() > 128 ? s.substring(0, 128) + "..." : s;
        return cut.replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }
}
