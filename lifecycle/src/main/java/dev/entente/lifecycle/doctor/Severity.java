package dev.entente.lifecycle.doctor;

import java.util.Locale;

/** How bad a finding is; any {@link #ERROR} makes {@code entente doctor} exit non-zero. */
public enum Severity {
    /** Worth knowing; nothing is broken. */
    INFO,
    /** Something will break, or is half-broken, unless an operator acts. */
    WARNING,
    /** Something is broken now. */
    ERROR;

    /** The lower-case form the API and CLI print. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
