package dev.entente.controlplane.security.oidc;

import dev.entente.client.request.signin.Pkce;
import dev.entente.controlplane.hub.HubBootstrap;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.security.Role;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The hub's side of a sign-in, driven by the hub so the client secret never leaves it:
 * <ol>
 *   <li>{@link #start}: the CLI, listening on a loopback port, sends the operator's browser here
 *       with a PKCE challenge of its own; the hub remembers a fresh state, nonce and PKCE verifier
 *       and answers the provider's authorization URL.</li>
 *   <li>{@link #callback}: the provider sends the browser back with a code; the hub redeems it
 *       (client secret, verifier), checks the ID token, maps groups to roles and sends the browser
 *       on to the CLI's loopback port with a one-time code.</li>
 *   <li>{@link #redeem}: the CLI trades that code, with the verifier of its own challenge, for a
 *       session token, once. The session is an operator token whose subject is
 *       {@code oidc:<sub>@<issuer>}, so listing, revoking and last use work as for any token.</li>
 * </ol>
 * A sign-in the web console starts ({@link #startConsole}) ends at the callback instead: the hub
 * mints the session there and the console opens its own session on it ({@link Callback#console}).
 * Sign-ins in progress live in this hub's memory for a few minutes: a replicated hub needs its
 * load balancer to keep one browser on one replica for the minute a sign-in takes.
 */
public final class OidcSignIn {
    /** The hub's callback path, registered at the provider as its redirect URI. */
    public static final String CALLBACK_PATH = "/auth/oidc/callback";
    /** Where a console sign-in lands, and where a refused one goes back to. */
    static final String CONSOLE_HOME = "/ui";
    static final String CONSOLE_SIGN_IN = "/ui/login";
    static final Duration PENDING_TTL = Duration.ofMinutes(10);
    static final Duration CODE_TTL = Duration.ofMinutes(2);
    /**
     * Sign-ins in progress kept at most: starting one needs no credential, so a flood evicts the
     * oldest rather than growing the hub's memory without bound.
     */
    static final int MAX_PENDING = 10_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A sign-in in progress; {@code port} 0 and no challenge for one the web console started, which
     * instead names the browser that started it ({@code browser}, a cookie's value).
     */
    private record Pending(String nonce, String verifier, int port, String cliChallenge, String browser, Instant expiresAt) {
        boolean console() {
            return port == 0;
        }
    }

    private record Issued(OidcIdentity identity, String cliChallenge, Instant expiresAt) {
    }

    /**
     * Where the callback sends the browser, and why the sign-in was refused when it was (the
     * caller audits it: a refused sign-in is a refused access).
     *
     * @param refusedAs who the refusal is about: the identity when the provider vouched for one, else null
     * @param console   the session minted for a sign-in the web console started (the caller opens the
     *                  console's session on it); null when the sign-in ends at the CLI or was refused
     */
    public record Callback(URI location, EntenteException refusal, String refusedAs, Session console) {
    }

    /** A session handed to the CLI. */
    public record Session(String token, String subject, String issuer, List<String> roles, Instant expiresAt) {
    }

    private final OidcSettings settings;
    private final OidcProvider provider;
    private final IdTokenVerifier verifier;
    private final OperatorTokens tokens;
    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<String> publicUrl;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, Issued> codes = new ConcurrentHashMap<>();

    public OidcSignIn(OidcSettings settings, OidcProvider provider, IdTokenVerifier verifier, OperatorTokens tokens, Tx tx,
                      AuditLog audit, Clock clock, Supplier<String> publicUrl) {
        this.settings = settings;
        this.provider = provider;
        this.verifier = verifier;
        this.tokens = tokens;
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
        this.publicUrl = publicUrl;
    }

    /** Where the provider sends the browser back to. */
    public String redirectUri() {
        if (settings.redirectUri() != null) {
            return settings.redirectUri();
        }
        String base = publicUrl.get();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK_PATH;
    }

    /** The provider's authorization URL for a sign-in that ends at the CLI on loopback {@code port}. */
    public URI start(int port, String cliChallenge) {
        if (port < 1024 || port > 65535) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "port must be the CLI's loopback port, 1024-65535, not " + port);
        }
        if (cliChallenge == null || !cliChallenge.matches("[A-Za-z0-9_-]{43}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "challenge must be the base64url SHA-256 of the CLI's verifier (43 characters)");
        }
        return begin(port, cliChallenge, null);
    }

    /**
     * The provider's authorization URL for a sign-in that ends in the web console, with a console
     * session, for the browser holding {@code browser} (a random value in a cookie the callback
     * gets): a callback URL taken from one browser does not sign another in (login CSRF).
     */
    public URI startConsole(String browser) {
        if (browser == null || browser.isBlank()) {
            throw new IllegalArgumentException("a console sign-in names the browser that starts it");
        }
        return begin(0, null, browser);
    }

    private URI begin(int port, String cliChallenge, String browser) {
        expireOld();
        while (pending.size() >= MAX_PENDING) {
            pending.entrySet().stream().min(Map.Entry.comparingByValue(Comparator.comparing(Pending::expiresAt)))
                    .ifPresent(oldest -> pending.remove(oldest.getKey()));
        }
        String state = random();
        String nonce = random();
        String verifier = random();
        pending.put(state, new Pending(nonce, verifier, port, cliChallenge, browser, clock.instant().plus(PENDING_TTL)));
        String query = "response_type=code"
                + "&client_id=" + OidcProvider.encode(settings.clientId())
                + "&redirect_uri=" + OidcProvider.encode(redirectUri())
                + "&scope=" + OidcProvider.encode(String.join(" ", settings.scopes()))
                + "&state=" + state
                + "&nonce=" + nonce
                + "&code_challenge=" + Pkce.challenge(verifier)
                + "&code_challenge_method=S256";
        URI authorization = provider.endpoints().authorization();
        return URI.create(authorization + (authorization.getRawQuery() == null ? "?" : "&") + query);
    }

    /**
     * The provider's answer for sign-in {@code state}: the CLI's loopback URL carrying a one-time
     * code, or the provider's error. A state is used once.
     */
    public Callback callback(String state, String code, String error, String errorDescription) {
        return callback(state, code, error, errorDescription, null);
    }

    /**
     * As {@link #callback(String, String, String, String)}, from a browser that holds
     * {@code browser}: a sign-in the console started finishes only in the browser that started it.
     */
    public Callback callback(String state, String code, String error, String errorDescription, String browser) {
        Pending p = state == null ? null : pending.remove(state);
        if (p == null || p.expiresAt().isBefore(clock.instant())) {
            throw new EntenteException(ErrorCode.OIDC_LOGIN_UNKNOWN, "this sign-in is unknown, expired or already finished "
                    + "(it lasts " + PENDING_TTL.toMinutes() + " minutes on the hub that started it); run entente login again");
        }
        if (p.console()) {
            if (browser == null || !MessageDigest.isEqual(browser.getBytes(StandardCharsets.US_ASCII),
                    p.browser().getBytes(StandardCharsets.US_ASCII))) {
                throw new EntenteException(ErrorCode.OIDC_LOGIN_UNKNOWN, "this console sign-in was started in another browser; "
                        + "start it again from the console's sign-in page");
            }
            return consoleCallback(p, code, error);
        }
        URI loopback = URI.create("http://127.0.0.1:" + p.port() + "/");
        if (error != null || code == null) {
            return new Callback(URI.create(loopback + "?error=" + OidcProvider.encode(error == null ? "no_code" : error)
                    + (errorDescription == null ? "" : "&error_description=" + OidcProvider.encode(errorDescription))), null, null, null);
        }
        OidcIdentity identity;
        try {
            identity = verifier.verify(provider.redeem(code, p.verifier(), redirectUri()), p.nonce());
        } catch (EntenteException e) {
            // The CLI reports the hub's own refusal; the browser only learns that it ended.
            Object reason = e.extensions().get("reason");
            Object subject = e.extensions().get("subject");
            return new Callback(URI.create(loopback + "?error=" + OidcProvider.encode(e.code().code())
                    + "&error_description=" + OidcProvider.encode(e.detail())
                    + (reason == null ? "" : "&error_reason=" + OidcProvider.encode(reason.toString()))),
                    e, subject == null ? null : subject.toString(), null);
        }
        String oneTime = random();
        codes.put(oneTime, new Issued(identity, p.cliChallenge(), clock.instant().plus(CODE_TTL)));
        return new Callback(URI.create(loopback + "?code=" + oneTime), null, null, null);
    }

    // The console's sign-in ends on the hub itself: no one-time code travels, the session is minted here.
    private Callback consoleCallback(Pending p, String code, String error) {
        if (error != null || code == null) {
            return new Callback(URI.create(CONSOLE_SIGN_IN + "?error=" + OidcProvider.encode(error == null ? "no_code" : error)),
                    null, null, null);
        }
        try {
            OidcIdentity identity = verifier.verify(provider.redeem(code, p.verifier(), redirectUri()), p.nonce());
            return new Callback(URI.create(CONSOLE_HOME), null, null, mint(identity));
        } catch (EntenteException e) {
            Object subject = e.extensions().get("subject");
            return new Callback(URI.create(CONSOLE_SIGN_IN + "?error=" + OidcProvider.encode(e.code().code())), e,
                    subject == null ? null : subject.toString(), null);
        }
    }

    /**
     * The session for one-time {@code code}, minted once, for the CLI that holds the verifier of
     * the challenge it started with.
     */
    public Session redeem(String code, String cliVerifier) {
        Issued issued = code == null ? null : codes.remove(code);
        if (issued == null || issued.expiresAt().isBefore(clock.instant())
                || cliVerifier == null || !MessageDigest.isEqual(Pkce.challenge(cliVerifier).getBytes(StandardCharsets.US_ASCII),
                issued.cliChallenge().getBytes(StandardCharsets.US_ASCII))) {
            throw new EntenteException(ErrorCode.OIDC_LOGIN_UNKNOWN, "this sign-in code is unknown, expired, already used, "
                    + "or was not issued to this client; run entente login again");
        }
        return mint(issued.identity());
    }

    private Session mint(OidcIdentity identity) {
        String subject = identity.operatorSubject();
        OperatorTokens.Issued session = tokens.issue(subject, identity.roles(), settings.sessionTtl(), List.of());
        List<String> roles = identity.roles().stream().map(Role::value).sorted().toList();
        tx.inTransaction(c -> {
            HubBootstrap.recordToken(c, session, EventSource.HUB.actor());
            audit.append(c, AuditEvent.of(AuditEventType.OPERATOR_TOKEN_ISSUED, subject, subject, AuditDetails.of()
                    .put("roles", roles).put("expires_at", session.expiresAt()).put("jti", session.jti().toString())
                    .put("idp_issuer", identity.issuer()).put("idp_subject", identity.subject()).put("idp_groups", identity.groups())));
            return null;
        });
        return new Session(session.token(), subject, identity.issuer(), roles, session.expiresAt());
    }

    private void expireOld() {
        Instant now = clock.instant();
        pending.values().removeIf(p -> p.expiresAt().isBefore(now));
        codes.values().removeIf(c -> c.expiresAt().isBefore(now));
    }

    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
