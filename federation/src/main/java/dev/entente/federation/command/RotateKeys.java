package dev.entente.federation.command;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.List;
import java.util.Map;

/**
 * {@code keys rotate --type T}: a new key of that type, with its effects stated. {@value #TOKEN_SIGNING}
 * retires the key that signs acceptance, re-enrolment and operator tokens, so every token it signed
 * stops working (linked peers are unaffected: their mTLS identity does not depend on it);
 * {@value #AUDIT_HMAC} starts signing the audit chain with a new key, the old one kept to verify.
 *
 * @param type {@value #TOKEN_SIGNING} or {@value #AUDIT_HMAC}
 */
public record RotateKeys(String type) implements OperatorCommand {
    public static final String ACTION = "keys.rotate";
    public static final String TOKEN_SIGNING = "token-signing";
    public static final String AUDIT_HMAC = "audit-hmac";
    /** The types a rotation takes, in the order help lists them. */
    public static final List<String> TYPES = List.of(TOKEN_SIGNING, AUDIT_HMAC);

    public RotateKeys {
        if (type == null) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "type is required: one of " + String.join(", ", TYPES),
                    Map.of("field", "type"));
        }
        if (!TYPES.contains(type)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "unknown key type " + type + "; rotate one of "
                    + String.join(", ", TYPES), Map.of("field", "type"));
        }
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.rotateKeys(this);
    }
}
