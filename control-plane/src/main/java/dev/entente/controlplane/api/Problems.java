package dev.entente.controlplane.api;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.Problem;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

import java.util.Map;

/** Builds {@code application/problem+json} responses. */
public final class Problems {
    public static final MediaType PROBLEM_JSON = MediaType.of("application/problem+json");

    private Problems() {
    }

    public static MutableHttpResponse<Map<String, Object>> response(Problem p) {
        return HttpResponse.<Map<String, Object>>status(HttpStatus.valueOf(p.status()))
                .contentType(PROBLEM_JSON)
                .body(p.toMap());
    }

    public static MutableHttpResponse<Map<String, Object>> response(EntenteException e) {
        return response(e.toProblem());
    }

    public static MutableHttpResponse<Map<String, Object>> response(ErrorCode code, String detail) {
        return response(Problem.of(code, detail));
    }
}
