package dev.entente.controlplane.api;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.Problem;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;

/** Builds {@code application/problem+json} responses. */
public final class Problems {
    public static final MediaType PROBLEM_JSON = MediaType.of("application/problem+json");

    private Problems() {
    }

    public static MutableHttpResponse<Problem> response(Problem p) {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(p.status()))
                .contentType(PROBLEM_JSON)
                .body(p);
    }

    public static MutableHttpResponse<Problem> response(EntenteException e) {
        return response(e.toProblem());
    }

    public static MutableHttpResponse<Problem> response(ErrorCode code, String detail) {
        return response(Problem.of(code, detail));
    }
}
