package dev.entente.controlplane.api.docs;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /openapi.yml}, unauthenticated (outside {@code /api/**}): the API description a client
 * writer needs before holding any token. Served from the copy of {@code docs/openapi.yml} the
 * build puts in the jar, so the hub always serves the document of its own version.
 */
@Controller
public class OpenApiController {
    static final String RESOURCE = "docs/openapi.yml";
    private final String document;

    public OpenApiController() {
        this.document = load();
    }

    @Get(uri = "/openapi.yml", produces = "application/yaml")
    public HttpResponse<String> openapi() {
        return HttpResponse.ok(document);
    }

    private static String load() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath; the build copies it from docs/");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
