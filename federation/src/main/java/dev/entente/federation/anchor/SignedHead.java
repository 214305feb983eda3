package dev.entente.federation.anchor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.ca.anchor.HeadStatement;
import dev.entente.federation.protocol.Lenient;
import dev.entente.lifecycle.audit.AuditHead;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A {@link HeadStatement} as JSON (the anchor file, heartbeats): {@code hub_id, seq, hmac, at, key, sig},
 * the hmac in hex, the key and signature in base64. Read leniently: a field of the wrong type is null,
 * and then {@link #statement()} is none.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SignedHead(
        @JsonProperty("hub_id") @JsonDeserialize(using = Lenient.Text.class) String hubId,
        @JsonProperty("seq") @JsonDeserialize(using = Lenient.Count.class) Long seq,
        @JsonProperty("hmac") @JsonDeserialize(using = Lenient.Text.class) String hmac,
        @JsonProperty("at") @JsonDeserialize(using = Lenient.Text.class) String at,
        @JsonProperty("key") @JsonDeserialize(using = Lenient.Text.class) String key,
        @JsonProperty("sig") @JsonDeserialize(using = Lenient.Text.class) String sig) {

    public static SignedHead of(HeadStatement s) {
        return new SignedHead(s.hubId(), s.head().seq(), s.head().hmacHex(), s.at().toString(),
                Base64.getEncoder().encodeToString(s.key()), Base64.getEncoder().encodeToString(s.signature()));
    }

    /** The statement this holds, or {@code null} when it is not one (a peer's bad field never fails a heartbeat). */
    public HeadStatement statement() {
        if (hubId == null || !hubId.matches("hub_[0-9a-f]{8}") || seq == null) {
            return null;
        }
        try {
            return new HeadStatement(hubId, new AuditHead(seq, HexFormat.of().parseHex(hmac)), Instant.parse(at),
                    Base64.getDecoder().decode(key), Base64.getDecoder().decode(sig));
        } catch (RuntimeException malformed) {
            return null;
        }
    }
}
