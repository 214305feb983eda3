package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The secret fields of a command's arguments or result, which an approval request seals under the
 * hub's key vault instead of storing them in clear. The JSON is the object of the secret fields
 * present, as requests stored by earlier versions sealed them ({@code {"token": "..."}}).
 *
 * @param token           an acceptance token a {@code peers accept} carries, or an operator token minted
 * @param acceptanceToken the acceptance token a proposal made
 * @param bearerToken     a grant's bearer token
 * @param reenrolmentToken a re-enrolment token minted for a locked-out peer
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CommandSecrets(@JsonProperty("token") String token,
                             @JsonProperty("acceptance_token") String acceptanceToken,
                             @JsonProperty("bearer_token") String bearerToken,
                             @JsonProperty("reenrolment_token") String reenrolmentToken) {
    /** No secret. */
    public static final CommandSecrets NONE = new CommandSecrets(null, null, null, null);
    /** The JSON names of secret fields, wherever they appear. */
    public static final List<String> NAMES = List.of("token", "acceptance_token", "bearer_token", "reenrolment_token");

    @JsonIgnore
    public boolean isEmpty() {
        return token == null && acceptanceToken == null && bearerToken == null && reenrolmentToken == null;
    }

    // Secrets stay out of logs and exception messages.
    @Override
    public String toString() {
        return "CommandSecrets[(redacted)]";
    }
}
