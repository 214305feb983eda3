package dev.entente.controlplane.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.federation.protocol.HandshakeAccept;
import dev.entente.federation.protocol.HandshakeAcceptAnswer;
import dev.entente.federation.protocol.HandshakeComplete;
import dev.entente.federation.protocol.HandshakeCompleteAnswer;
import dev.entente.federation.protocol.Heartbeat;
import dev.entente.federation.protocol.HeartbeatAnswer;
import dev.entente.federation.protocol.ReenrolRequest;
import dev.entente.federation.protocol.RenewalAnswer;
import dev.entente.federation.protocol.RenewalRequest;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The federation protocol's messages as JSON (DESIGN §4), both ways: what a controller receives
 * and answers, and what {@link HttpsPeerTransport} sends and reads. Fields are taken as they come
 * (a missing or mistyped one is null); the protocol code checks them in protocol order, so a
 * request with a foreign protocol version is refused as such before anything else.
 */
public final class FederationWire {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HEARTBEAT_FIELDS = Set.of("protocol_version", "hub_id", "clock", "tls_fingerprints",
            "ca_phase", "renew");

    private FederationWire() {
    }

    // ---------------------------------------------------------------- handshake

    public static HandshakeAccept handshakeAccept(Map<String, Object> body) {
        return new HandshakeAccept(version(body), text(body, "token"), text(body, "hub_id"), text(body, "name"),
                text(body, "url"), text(body, "tls_fingerprint"), text(body, "csr"));
    }

    public static Map<String, Object> toJson(HandshakeAccept m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("protocol_version", m.protocolVersion());
        out.put("token", m.token());
        out.put("hub_id", m.hubId());
        out.put("name", m.name());
        out.put("url", m.url());
        out.put("tls_fingerprint", m.tlsFingerprint());
        out.put("csr", m.csr());
        return out;
    }

    public static HandshakeAcceptAnswer handshakeAcceptAnswer(Map<String, Object> body) {
        return new HandshakeAcceptAnswer(version(body), text(body, "hub_id"), text(body, "name"), text(body, "node_cert"),
                text(body, "ca_bundle"), text(body, "csr"));
    }

    public static Map<String, Object> toJson(HandshakeAcceptAnswer m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("protocol_version", m.protocolVersion());
        out.put("hub_id", m.hubId());
        out.put("name", m.name());
        out.put("node_cert", m.nodeCert());
        out.put("ca_bundle", m.caBundle());
        out.put("csr", m.csr());
        return out;
    }

    public static HandshakeComplete handshakeComplete(Map<String, Object> body) {
        return new HandshakeComplete(version(body), text(body, "node_cert"), text(body, "ca_bundle"));
    }

    public static Map<String, Object> toJson(HandshakeComplete m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("protocol_version", m.protocolVersion());
        out.put("node_cert", m.nodeCert());
        out.put("ca_bundle", m.caBundle());
        return out;
    }

    public static HandshakeCompleteAnswer handshakeCompleteAnswer(Map<String, Object> body) {
        return new HandshakeCompleteAnswer(version(body), text(body, "state"));
    }

    public static Map<String, Object> toJson(HandshakeCompleteAnswer m) {
        return Map.of("protocol_version", m.protocolVersion(), "state", m.state());
    }

    // ---------------------------------------------------------------- heartbeat

    public static Heartbeat heartbeat(Map<String, Object> body) {
        Map<String, Object> b = body == null ? Map.of() : body;
        List<String> fingerprints = new ArrayList<>();
        if (b.get("tls_fingerprints") instanceof List<?> l) {
            l.forEach(f -> fingerprints.add(String.valueOf(f)));
        }
        Object phase = b.get("ca_phase");
        if (phase != null && !(phase instanceof String)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "ca_phase must be a string");
        }
        Map<String, Object> extensions = new LinkedHashMap<>();
        b.forEach((k, v) -> {
            if (!HEARTBEAT_FIELDS.contains(k)) {
                extensions.put(k, v);
            }
        });
        return new Heartbeat(version(b), text(b, "hub_id"), text(b, "clock"), fingerprints, (String) phase, extensions);
    }

    public static Map<String, Object> toJson(Heartbeat m) {
        Map<String, Object> out = new LinkedHashMap<>();
        put(out, m);
        out.putAll(m.extensions());
        return out;
    }

    public static HeartbeatAnswer heartbeatAnswer(Map<String, Object> body) {
        return new HeartbeatAnswer(heartbeat(body), body != null && Boolean.TRUE.equals(body.get("renew")));
    }

    public static Map<String, Object> toJson(HeartbeatAnswer m) {
        Map<String, Object> out = new LinkedHashMap<>();
        put(out, m.heartbeat());
        out.put("renew", m.renew());
        out.putAll(m.heartbeat().extensions());
        return out;
    }

    private static void put(Map<String, Object> out, Heartbeat m) {
        out.put("protocol_version", m.protocolVersion());
        out.put("hub_id", m.hubId());
        out.put("clock", m.clock());
        out.put("tls_fingerprints", m.tlsFingerprints());
        out.put("ca_phase", m.caPhase());
    }

    // ---------------------------------------------------------------- renewal

    public static RenewalRequest renewalRequest(Map<String, Object> body) {
        return new RenewalRequest(version(body), text(body, "csr"));
    }

    public static Map<String, Object> toJson(RenewalRequest m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("protocol_version", m.protocolVersion());
        out.put("csr", m.csr());
        return out;
    }

    public static RenewalAnswer renewalAnswer(Map<String, Object> body) {
        return new RenewalAnswer(version(body), text(body, "node_cert"));
    }

    public static Map<String, Object> toJson(RenewalAnswer m) {
        return Map.of("protocol_version", m.protocolVersion(), "node_cert", m.nodeCert());
    }

    // ---------------------------------------------------------------- re-enrolment

    public static ReenrolRequest reenrolRequest(Map<String, Object> body) {
        return new ReenrolRequest(version(body), text(body, "token"), text(body, "hub_id"), text(body, "tls_fingerprint"),
                text(body, "csr"));
    }

    public static Map<String, Object> toJson(ReenrolRequest m) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("protocol_version", m.protocolVersion());
        out.put("token", m.token());
        out.put("hub_id", m.hubId());
        out.put("tls_fingerprint", m.tlsFingerprint());
        out.put("csr", m.csr());
        return out;
    }

    // ---------------------------------------------------------------- helpers

    /** A JSON answer as the map the parsers above read. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(JsonNode node) {
        return node == null || !node.isObject() ? Map.of() : JSON.convertValue(node, Map.class);
    }

    private static Integer version(Map<String, Object> body) {
        Object v = body == null ? null : body.get("protocol_version");
        return v instanceof Number n && n.doubleValue() == n.intValue() ? n.intValue() : null;
    }

    private static String text(Map<String, Object> body, String key) {
        Object v = body == null ? null : body.get(key);
        return v instanceof String s ? s : null;
    }
}
