package dev.entente.controlplane.api;

import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.Problem;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * Turns Micronaut's own errors (unknown route, wrong method, unreadable JSON, unexpected
 * exceptions) into the same problem+json every Entente error uses. A 500 never echoes the
 * exception: its message can carry SQL or paths, and the hub log has the stack trace.
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ProblemErrorResponseProcessor implements ErrorResponseProcessor<Map<String, Object>> {

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<Map<String, Object>> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        MutableHttpResponse<Map<String, Object>> r = (MutableHttpResponse<Map<String, Object>>) response;
        if (context.getRequest().getMethod() == HttpMethod.HEAD) {
            return r;
        }
        int status = response.code();
        ErrorCode code = switch (status) {
            case 400, 413, 422 -> ErrorCode.INVALID_REQUEST;
            case 401 -> ErrorCode.AUTH_TOKEN_MISSING;
            case 403 -> ErrorCode.AUTH_ROLE_FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 406, 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            default -> ErrorCode.INTERNAL_ERROR;
        };
        String detail;
        if (code == ErrorCode.INTERNAL_ERROR) {
            detail = "unexpected error; the hub log has the details";
        } else if (code == ErrorCode.NOT_FOUND) {
            detail = "no route " + context.getRequest().getMethodName() + " " + context.getRequest().getPath();
        } else {
            detail = context.getErrors().stream().findFirst().map(Error::getMessage).orElse(code.title())
                    .toLowerCase(java.util.Locale.ROOT);
        }
        Problem p = Problem.of(code, detail);
        return r.contentType(Problems.PROBLEM_JSON).body(p.toMap());
    }
}
