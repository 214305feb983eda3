package dev.entente.controlplane.ui;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The console's two assets, from the jar: its style sheet and the script of its copy buttons. A
 * fixed list, so no path reaches the class path, and both come from the hub itself, as the CSP's
 * {@code 'self'} requires.
 */
@Controller(ConsoleAssets.PATH)
public class ConsoleAssets {
    /** Where the assets are served. */
    static final String PATH = ConsoleView.HOME + "/assets";
    private static final Map<String, MediaType> ASSETS = Map.of(
            "console.css", MediaType.of("text/css; charset=utf-8"),
            "console.js", MediaType.of("text/javascript; charset=utf-8"));
    private final ConsoleView view;

    public ConsoleAssets(ConsoleView view) {
        this.view = view;
    }

    @Get(value = "/{name}", produces = {"text/css", "text/javascript"})
    public HttpResponse<?> asset(HttpRequest<?> request, @PathVariable String name) {
        MediaType type = ASSETS.get(name);
        if (type == null) {
            return view.failure(request, new EntenteException(ErrorCode.NOT_FOUND, "no console asset " + name));
        }
        try (InputStream in = ConsoleAssets.class.getResourceAsStream("/ui/assets/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console asset " + name + " is missing from this build");
            }
            return HttpResponse.ok(in.readAllBytes()).contentType(type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
