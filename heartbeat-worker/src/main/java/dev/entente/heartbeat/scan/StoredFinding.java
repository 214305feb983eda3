package dev.entente.heartbeat.scan;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of {@code findings}: a condition the governance scan saw, open while
 * {@code resolvedAt} is null.
 *
 * @param id          the finding
 * @param code        one of {@link FindingsScanner#CODES}, e.g. {@code grant_expiring}
 * @param subject     what it is about: a peer id, a grant id, a certificate fingerprint, or {@code hub}
 * @param severity    {@code info}, {@code warning} or {@code error}, as last seen
 * @param detail      one sentence, as last seen
 * @param firstSeenAt the scan that opened it
 * @param lastSeenAt  the latest scan that still saw the condition
 * @param resolvedAt  the scan that no longer saw it; null while open
 *
 * <p>As JSON (the API and the CLI) snake_case keys in this order, instants in RFC 3339, whichever
 * mapper writes it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StoredFinding(UUID id, String code, String subject, String severity, String detail,
                            @JsonSerialize(using = ToStringSerializer.class) Instant firstSeenAt,
                            @JsonSerialize(using = ToStringSerializer.class) Instant lastSeenAt,
                            @JsonSerialize(using = ToStringSerializer.class) Instant resolvedAt) {
}
