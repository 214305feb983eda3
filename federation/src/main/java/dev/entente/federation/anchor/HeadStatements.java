package dev.entente.federation.anchor;

import dev.entente.ca.anchor.HeadStatement;
import dev.entente.lifecycle.audit.AuditHead;

import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** A {@link HeadStatement} as JSON (the anchor file, heartbeats): {@code hub_id, seq, hmac, at, key, sig}. */
final class HeadStatements {
    private HeadStatements() {
    }

    static Map<String, Object> toJson(HeadStatement s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hub_id", s.hubId());
        m.put("seq", s.head().seq());
        m.put("hmac", s.head().hmacHex());
        m.put("at", s.at().toString());
        m.put("key", Base64.getEncoder().encodeToString(s.key()));
        m.put("sig", Base64.getEncoder().encodeToString(s.signature()));
        return m;
    }

    /** The statement {@code json} holds, or {@code null} when it is not one (a peer's bad field never fails a heartbeat). */
    static HeadStatement fromJson(Object json) {
        if (!(json instanceof Map<?, ?> m)) {
            return null;
        }
        try {
            String hubId = (String) m.get("hub_id");
            long seq = ((Number) m.get("seq")).longValue();
            byte[] hmac = HexFormat.of().parseHex((String) m.get("hmac"));
            Instant at = Instant.parse((String) m.get("at"));
            byte[] key = Base64.getDecoder().decode((String) m.get("key"));
            byte[] sig = Base64.getDecoder().decode((String) m.get("sig"));
            if (hubId == null || !hubId.matches("hub_[0-9a-f]{8}")) {
                return null;
            }
            return new HeadStatement(hubId, new AuditHead(seq, hmac), at, key, sig);
        } catch (RuntimeException malformed) {
            return null;
        }
    }
}
