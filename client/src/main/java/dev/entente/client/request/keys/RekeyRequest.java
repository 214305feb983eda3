package dev.entente.client.request.keys;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/keys/rekey}: both passphrases travel in the body (never the URL, so never
 * an access log) over the pinned TLS connection. The current one proves the caller may re-key:
 * an admin token alone must not let anyone choose a passphrase that opens the database's keys.
 *
 * @param currentPassphrase the passphrase the hub runs with
 * @param newPassphrase     the passphrase to seal every key under
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RekeyRequest(
        @JsonProperty("current_passphrase") @JsonDeserialize(using = Bodies.Text.class) String currentPassphrase,
        @JsonProperty("new_passphrase") @JsonDeserialize(using = Bodies.Text.class) String newPassphrase) {

    // A passphrase is a credential: it stays out of logs and exception messages.
    @Override
    public String toString() {
        return "RekeyRequest[current_passphrase=(redacted), new_passphrase=(redacted)]";
    }
}
