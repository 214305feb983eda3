package dev.entente.lifecycle.error;

import java.util.Map;

/**
 * The one exception type domain code throws on purpose. It carries a stable {@link ErrorCode}
 * and a lower-case detail that names the fix when there is one; the HTTP layer turns it into
 * problem+json and the CLI into an exit code and a message on stderr.
 */
public class EntenteException extends RuntimeException {
    private final ErrorCode code;
    // Problem extension members, free-form per error (RFC 9457 §3.2).
    private final Map<String, ?> extensions;

    public EntenteException(ErrorCode code, String detail) {
        this(code, detail, Map.of(), null);
    }

    public EntenteException(ErrorCode code, String detail, Throwable cause) {
        this(code, detail, Map.of(), cause);
    }

    public EntenteException(ErrorCode code, String detail, Map<String, ?> extensions) {
        this(code, detail, extensions, null);
    }

    public EntenteException(ErrorCode code, String detail, Map<String, ?> extensions, Throwable cause) {
        super(code.code() + ": " + detail, cause);
        this.code = code;
        this.extensions = Map.copyOf(extensions);
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return getMessage().substring(code.code().length() + 2);
    }

    /** Extra problem members (e.g. {@code state}, {@code allowed_events}), snake_case keys. */
    public Map<String, ?> extensions() {
        return extensions;
    }

    public Problem toProblem() {
        return Problem.of(code, detail(), extensions);
    }
}
