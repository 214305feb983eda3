package dev.entente.controlplane.ui;

import dev.entente.controlplane.config.AuthConfiguration;
import dev.entente.controlplane.config.ConsoleConfiguration;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.OperatorTokenRegistry;
import dev.entente.controlplane.security.OperatorTokenRevocations;
import dev.entente.controlplane.security.Role;
import dev.entente.federation.peer.Durations;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import jakarta.inject.Singleton;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The console's sign-in sessions, in PostgreSQL (V21) so that any replica serves any page. The
 * browser holds a random value in an {@code HttpOnly; Secure; SameSite=Strict} cookie; the table
 * holds only its SHA-256, so a database read or a backup gives nobody a session.
 *
 * <p>A session stands on one operator token: a pasted one, or the sign-in session the identity
 * provider's flow minted. It ends after {@code entente.console.idle-timeout} without a request,
 * {@code absolute-timeout} after sign-in, at sign-out, and as soon as its token is revoked or
 * expires, whichever comes first.
 *
 * <p>Its form token is an HMAC keyed with the cookie's value: a page of this session can show it,
 * another site cannot compute it, and another session's token does not match (synchronizer token
 * without storage).
 */
@Singleton
public class ConsoleSessions {
    /**
     * The session cookie's name before it was named per hub. Still read, so sessions opened before
     * last their term (12 h at most); one such cookie this hub does not know may be another hub's,
     * so it is no session here and no ended one either.
     */
    public static final String LEGACY_COOKIE = "entente_console";
    /** Signed in by pasting an operator token. */
    public static final String WITH_TOKEN = "token";
    /** Signed in through the identity provider. */
    public static final String WITH_OIDC = "oidc";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String FORM_LABEL = "entente console form";

    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;
    private final OperatorTokenRevocations revocations;
    private final OperatorTokenRegistry registry;
    private final boolean localTokens;
    private final Duration idle;
    private final Duration absolute;
    private final String cookieSuffix;

    public ConsoleSessions(Tx tx, AuditLog audit, Clock clock, OperatorTokenRevocations revocations,
                           OperatorTokenRegistry registry, AuthConfiguration auth, ConsoleConfiguration config, HubIdentity hub) {
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
        this.revocations = revocations;
        this.registry = registry;
        this.localTokens = auth.localTokens();
        Timeouts timeouts = Timeouts.of(config);
        this.idle = timeouts.idle();
        this.absolute = timeouts.absolute();
        this.cookieSuffix = cookieSuffix(hub.hubId());
    }

    /**
     * What ends this hub's cookie names: its id without the {@code hub_} prefix, the same on every
     * replica. Browsers send a host's cookies to every port of it, so two hubs on one host would
     * otherwise overwrite each other's session with each sign-in.
     */
    static String cookieSuffix(String hubId) {
        return hubId.startsWith("hub_") ? hubId.substring(4) : hubId;
    }

    /** The session cookie's name. */
    public String cookie() {
        return "entente_console_" + cookieSuffix;
    }

    /** The sign-in page's cookie's name: what its form token is derived from until a session exists. */
    public String signInCookie() {
        return "entente_console_signin_" + cookieSuffix;
    }

    /** The name of the cookie naming the browser that started a console sign-in at the identity provider. */
    public String browserCookie() {
        return "entente_console_oidc_" + cookieSuffix;
    }

    /** The session timeouts, checked; the hub checks them at start, so a typo stops the start, not the first sign-in. */
    public record Timeouts(Duration idle, Duration absolute) {
        public static Timeouts of(ConsoleConfiguration config) {
            return new Timeouts(Durations.parse("entente.console.idle-timeout", config.idleTimeout(), Durations.MAX),
                    Durations.parse("entente.console.absolute-timeout", config.absoluteTimeout(), Durations.MAX));
        }
    }

    /**
     * One live session, as a request found it.
     *
     * @param cookie       the cookie's value, from this request only; never stored
     * @param signedInWith {@link #WITH_TOKEN} or {@link #WITH_OIDC}
     */
    public record Session(String cookie, OperatorPrincipal operator, String signedInWith, Instant createdAt) {
        /** The token every form of this session carries. */
        public String formToken() {
            return ConsoleSessions.formToken(cookie);
        }

        @Override
        public String toString() {
            return "Session[" + operator.subject() + ", " + signedInWith + "]";
        }
    }

    /** Why a cookie led to no session. */
    public enum Ended {
        /** No such session: never opened, signed out, or removed after it ended. */
        UNKNOWN("unknown"),
        /** No request for {@code entente.console.idle-timeout}. */
        IDLE("idle"),
        /** Signed in longer than {@code entente.console.absolute-timeout} ago. */
        ABSOLUTE("absolute"),
        /** The operator token it stood on was revoked. */
        REVOKED("revoked"),
        /** The operator token it stood on expired. */
        EXPIRED("expired"),
        /** Local tokens were switched off and the session stood on one. */
        LOCAL_TOKENS_DISABLED("local_tokens_disabled");

        private final String value;

        Ended(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }
    }

    /** A cookie's session, or why it has none: exactly one is set. */
    public record Lookup(Session session, Ended ended) {
    }

    /** Opens a session for {@code operator}; the cookie value to hand the browser. */
    public String open(OperatorPrincipal operator, String with) {
        String cookie = random();
        Instant now = clock.instant();
        tx.inTransaction(c -> {
            // Sessions ended by time leave rows only until the next sign-in sweeps them.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE created_at < ? OR last_seen_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(now.minus(absolute)));
                ps.setTimestamp(2, Timestamp.from(now.minus(idle)));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_sessions (id_digest, token_jti, subject, roles, "
                    + "minted_by, token_expires_at, signed_in_with, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setBytes(1, digest(cookie));
                ps.setString(2, operator.tokenId());
                ps.setString(3, operator.subject());
                ps.setArray(4, c.createArrayOf("text", operator.roles().stream().map(Role::value).sorted().toArray()));
                ps.setArray(5, operator.mintedBy() == null ? null : c.createArrayOf("text", operator.mintedBy().toArray()));
                ps.setTimestamp(6, Timestamp.from(operator.expiresAt()));
                ps.setString(7, with);
                ps.setTimestamp(8, Timestamp.from(now));
                ps.setTimestamp(9, Timestamp.from(now));
                ps.executeUpdate();
            }
            audit.append(c, AuditEvent.of(AuditEventType.CONSOLE_SIGNED_IN, operator.subject(), operator.tokenId(),
                    AuditDetails.of("with", with).put("jti", operator.tokenId())));
            return null;
        });
        return cookie;
    }

    /** The live session of {@code cookie}, its last use moved to now; or why there is none (an ended one is removed). */
    public Lookup find(String cookie) {
        if (cookie == null || !cookie.matches("[A-Za-z0-9_-]{43}")) {
            return new Lookup(null, Ended.UNKNOWN);
        }
        byte[] id = digest(cookie);
        Instant now = clock.instant();
        Optional<Row> found = tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT token_jti, subject, roles, minted_by, token_expires_at, "
                    + "signed_in_with, created_at, last_seen_at FROM console_sessions WHERE id_digest = ?")) {
                ps.setBytes(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Row>empty();
                    }
                    Set<Role> roles = EnumSet.noneOf(Role.class);
                    for (String r : strings(rs.getArray(3))) {
                        Role.parse(r).ifPresent(roles::add);
                    }
                    Array minted = rs.getArray(4);
                    OperatorPrincipal operator = new OperatorPrincipal(rs.getString(2), roles, rs.getString(1),
                            rs.getTimestamp(5).toInstant(), minted == null ? null : List.of(strings(minted)));
                    return Optional.of(new Row(operator, rs.getString(6), rs.getTimestamp(7).toInstant(),
                            rs.getTimestamp(8).toInstant()));
                }
            }
        });
        if (found.isEmpty()) {
            return new Lookup(null, Ended.UNKNOWN);
        }
        Row row = found.get();
        Ended ended = ended(row, now);
        if (ended != null) {
            delete(id);
            return new Lookup(null, ended);
        }
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE console_sessions SET last_seen_at = ? WHERE id_digest = ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setBytes(2, id);
                return ps.executeUpdate();
            }
        });
        registry.used(row.operator().tokenId());
        return new Lookup(new Session(cookie, row.operator(), row.signedInWith(), row.createdAt()), null);
    }

    private Ended ended(Row row, Instant now) {
        if (!now.isBefore(row.createdAt().plus(absolute))) {
            return Ended.ABSOLUTE;
        }
        if (!now.isBefore(row.lastSeenAt().plus(idle))) {
            return Ended.IDLE;
        }
        if (!now.isBefore(row.operator().expiresAt())) {
            return Ended.EXPIRED;
        }
        if (revocations.isRevoked(row.operator().tokenId())) {
            return Ended.REVOKED;
        }
        OperatorPrincipal p = row.operator();
        if (!localTokens && !p.session() && !p.root()) {
            return Ended.LOCAL_TOKENS_DISABLED;
        }
        return null;
    }

    /**
     * Ends {@code session}. A session the identity provider's flow minted ends its token too: it
     * was made for this browser and nothing else holds it.
     */
    public void close(Session session) {
        delete(digest(session.cookie()));
        OperatorPrincipal operator = session.operator();
        if (WITH_OIDC.equals(session.signedInWith()) && operator.session() && !revocations.isRevoked(operator.tokenId())) {
            registry.revoke(operator.tokenId(), "signed out of the console", operator.subject());
        }
        tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.CONSOLE_SIGNED_OUT, operator.subject(),
                operator.tokenId(), AuditDetails.of("with", session.signedInWith()).put("jti", operator.tokenId()))));
    }

    private void delete(byte[] id) {
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE id_digest = ?")) {
                ps.setBytes(1, id);
                return ps.executeUpdate();
            }
        });
    }

    private record Row(OperatorPrincipal operator, String signedInWith, Instant createdAt, Instant lastSeenAt) {
    }

    private static String[] strings(Array array) throws java.sql.SQLException {
        Object[] values = (Object[]) array.getArray();
        return Arrays.stream(values).map(String::valueOf).toArray(String[]::new);
    }

    /** A fresh cookie value: 256 random bits, base64url. */
    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The form token of the holder of secret {@code key} (a session's or a sign-in page's cookie value). */
    static String formToken(String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(FORM_LABEL.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Whether {@code given} is the form token of {@code key}, compared in constant time. */
    static boolean formTokenMatches(String key, String given) {
        return key != null && given != null && MessageDigest.isEqual(formToken(key).getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] digest(String cookie) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(cookie.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
