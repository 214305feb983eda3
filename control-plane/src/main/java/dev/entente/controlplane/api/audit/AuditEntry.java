package dev.entente.controlplane.api.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.entente.lifecycle.audit.AuditRecord;
import dev.entente.lifecycle.audit.EventSource;

import java.io.IOException;

/**
 * One event of the audit chain as {@code GET /api/v1/audit} and {@code /api/v1/events} list it.
 *
 * @param source  the part of the hub that acted; absent (not null) for operators and peers
 * @param details the event's own JSON object, free-form per event type; the stored text when it is
 *                not an object
 */
public record AuditEntry(long seq, String at, String type, String code, String actor,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String source, String subject, JsonNode details) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static AuditEntry of(AuditRecord r) {
        return new AuditEntry(r.seq(), r.at().toString(), r.type(), r.code(), r.actor(),
                EventSource.ofActor(r.actor()).map(EventSource::value).orElse(null), r.subject(), details(r.details()));
    }

    private static JsonNode details(String stored) {
        try {
            JsonNode node = JSON.readTree(stored);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // shown as stored below
        }
        return TextNode.valueOf(stored);
    }
}
