package dev.entente.lifecycle.error;

import java.util.Locale;

/**
 * A code operators see, script against and look up in a runbook: an {@link ErrorCode} in a
 * problem+json body, a doctor code in a finding. The code is spelled out where the constant is
 * declared, never derived from its Java name, so renaming a constant cannot change the wire; a
 * spec pins every code ever shipped ({@code docs/codes.txt}).
 */
public interface PublicCode {
    /** The stable public string, e.g. {@code auth_token_expired} or {@code DR005}; never reused. */
    String code();

    /** A short lower-case title, e.g. {@code operator token expired}. */
    String title();

    /** The runbook file holding this code's {@code ## <code>} section. */
    Runbook runbookFile();

    /**
     * The runbook section, e.g. {@code runbooks/operators-and-admin-api.md#auth_token_expired}: the
     * anchor is the heading's, which is the code in lower case.
     */
    default String runbook() {
        return runbookFile().path() + "#" + code().toLowerCase(Locale.ROOT);
    }
}
