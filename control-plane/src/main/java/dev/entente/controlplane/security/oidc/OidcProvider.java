package dev.entente.controlplane.security.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The identity provider as the hub talks to it: its discovery document, its signing keys and its
 * token endpoint, over HTTPS with the JDK's trust store.
 *
 * <p>Keys are fetched again when an ID token names a key id the hub has not seen: the provider
 * rotated. No rate limit is needed for that: ID tokens reach the hub only from the provider's own
 * token endpoint, one per sign-in, never from a caller.
 */
public final class OidcProvider {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What the hub uses of the discovery document. */
    public record Endpoints(URI authorization, URI token, URI jwks, boolean secretInBody) {
    }

    private final OidcSettings settings;
    private final HttpClient http;
    private volatile Endpoints endpoints;
    private volatile JWKSet keys;

    public OidcProvider(OidcSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The provider's endpoints, from its discovery document (read once, and again on a key rotation). */
    public Endpoints endpoints() {
        Endpoints e = endpoints;
        return e != null ? e : discover();
    }

    private synchronized Endpoints discover() {
        URI url = URI.create(stripSlash(settings.issuerText()) + "/.well-known/openid-configuration");
        JsonNode doc = getJson(url, "discovery document");
        if (!settings.issuerText().equals(doc.path("issuer").asText())) {
            throw unavailable("the discovery document at " + url + " names issuer " + doc.path("issuer").asText()
                    + ", not " + settings.issuerText() + "; set entente.oidc.issuer to the provider's issuer exactly");
        }
        boolean basic = true;
        JsonNode methods = doc.get("token_endpoint_auth_methods_supported");
        if (methods != null && methods.isArray()) {
            boolean hasBasic = false;
            boolean hasPost = false;
            for (JsonNode m : methods) {
                hasBasic |= m.asText().equals("client_secret_basic");
                hasPost |= m.asText().equals("client_secret_post");
            }
            basic = hasBasic || !hasPost;
        }
        Endpoints e = new Endpoints(endpoint(doc, "authorization_endpoint"), endpoint(doc, "token_endpoint"),
                endpoint(doc, "jwks_uri"), !basic);
        endpoints = e;
        return e;
    }

    /** The provider's key {@code kid} (any usable key when the token names none), fetching the keys again once if unknown. */
    public Optional<JWK> key(String kid, String keyType) {
        JWKSet cached = keys;
        if (cached != null) {
            Optional<JWK> hit = find(cached, kid, keyType);
            if (hit.isPresent()) {
                return hit;
            }
        }
        return find(refreshKeys(cached), kid, keyType);
    }

    private synchronized JWKSet refreshKeys(JWKSet seen) {
        if (keys != seen) {
            return keys;
        }
        // A rotation may have moved the keys: read the discovery document again too.
        discover();
        JsonNode doc = getJson(endpoints().jwks(), "key set");
        try {
            keys = JWKSet.parse(doc.toString());
        } catch (ParseException e) {
            throw unavailable("the key set at " + endpoints().jwks() + " is not a JWK set: " + e.getMessage());
        }
        return keys;
    }

    private static Optional<JWK> find(JWKSet set, String kid, String keyType) {
        return set.getKeys().stream()
                .filter(k -> kid == null ? k.getKeyType().getValue().equals(keyType) : kid.equals(k.getKeyID()))
                .filter(k -> k.getKeyUse() == null || "sig".equals(k.getKeyUse().identifier()))
                .findFirst();
    }

    /** Redeems an authorization code at the token endpoint; the answer's {@code id_token}. */
    public String redeem(String code, String verifier, String redirectUri) {
        Endpoints e = endpoints();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        HttpRequest.Builder request = HttpRequest.newBuilder(e.token()).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        if (e.secretInBody()) {
            form.put("client_id", settings.clientId());
            form.put("client_secret", settings.clientSecret());
        } else {
            // RFC 6749 2.3.1: both parts form-encoded before they are joined.
            String pair = encode(settings.clientId()) + ":" + encode(settings.clientSecret());
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        String body = form.entrySet().stream().map(x -> encode(x.getKey()) + "=" + encode(x.getValue()))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), "token endpoint");
        JsonNode answer = parse(response.body(), e.token());
        if (response.statusCode() != 200) {
            throw new EntenteException(ErrorCode.OIDC_LOGIN_UNKNOWN, "the identity provider refused the authorization code: "
                    + response.statusCode() + " " + answer.path("error").asText("") + " " + answer.path("error_description").asText(""),
                    Map.of("provider_error", answer.path("error").asText("")));
        }
        JsonNode idToken = answer.get("id_token");
        if (idToken == null || !idToken.isTextual()) {
            throw unavailable("the token endpoint " + e.token() + " answered without an id_token; is openid among entente.oidc.scopes?");
        }
        return idToken.asText();
    }

    private JsonNode getJson(URI url, String what) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(url).timeout(TIMEOUT).header("Accept", "application/json")
                .GET().build(), what);
        if (response.statusCode() != 200) {
            throw unavailable("the identity provider's " + what + " at " + url + " answered " + response.statusCode());
        }
        return parse(response.body(), url);
    }

    private HttpResponse<String> send(HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw unavailable("cannot reach the identity provider's " + what + " at " + request.uri() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while asking the identity provider's " + what + " at " + request.uri());
        }
    }

    private static JsonNode parse(String body, URI from) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw unavailable(from + " did not answer a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw unavailable(from + " did not answer JSON: " + e.getMessage());
        }
    }

    private static URI endpoint(JsonNode doc, String field) {
        String value = doc.path(field).asText("");
        if (value.isEmpty()) {
            throw unavailable("the discovery document has no " + field);
        }
        return URI.create(value);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static EntenteException unavailable(String detail) {
        return new EntenteException(ErrorCode.OIDC_PROVIDER_UNAVAILABLE, detail);
    }
}
