package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/**
 * {@code peers set-url}: the URL this hub calls the peer at, after the peer moved (a new address or
 * port, a corrected public URL). The link keeps its identity, grants and certificates; the next
 * heartbeat goes to the new URL and re-pins the peer's TLS fingerprints from its answer.
 *
 * @param peerId the peer's id
 * @param url    an absolute https URL with a host; no user info, query or fragment, and no trailing slash
 */
public record SetPeerUrl(@JsonProperty("peer_id") String peerId, String url) implements OperatorCommand {
    public static final String ACTION = "peer.set-url";

    public SetPeerUrl {
        Fields.required("peer_id", peerId);
        url = checkUrl(Fields.required("url", url).trim());
    }

    /**
     * The one check of a peer URL: the federation protocol is HTTPS with a pinned certificate, and
     * a URL carrying credentials, a query or a fragment is a paste error that would be called as is.
     */
    static String checkUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(url, "it is not a URL (" + e.getReason() + ")");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw invalid(url, "hubs talk HTTPS only: it must start with https://");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw invalid(url, "it names no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(url, "it carries user info: hubs authenticate with certificates, not credentials in the URL");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(url, "it carries a query or fragment: give the hub's base URL only");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static EntenteException invalid(String url, String why) {
        return new EntenteException(ErrorCode.PEER_URL_INVALID, "peer url '" + url + "' is invalid: " + why
                + "; give the hub's public URL, e.g. https://hub-b.example.org:7443", Map.of("url", url));
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.setPeerUrl(this);
    }
}
