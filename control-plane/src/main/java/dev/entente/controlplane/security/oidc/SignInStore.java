package dev.entente.controlplane.security.oidc;

import dev.entente.ca.vault.KeyVault;
import dev.entente.ca.vault.SealedColumn;
import dev.entente.controlplane.security.Role;
import dev.entente.lifecycle.db.Tx;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sign-ins in progress and the one-time codes they end in, in the database (V25) so that every
 * replica of the hub can finish what another started. Each row is taken once: a {@code DELETE ...
 * RETURNING} hands it to one caller, so two replicas racing on one state or code cannot both win.
 */
final class SignInStore {
    /** The sealed PKCE verifiers, for a rekey of the vault: each blob's AAD as {@link #aad} makes it. */
    static final SealedColumn SEALED_VERIFIERS = new SealedColumn("oidc_sign_ins", "state_digest", "sealed_verifier",
            "'oidc_sign_in/' || encode(state_digest, 'hex') || '/verifier'");

    /** A sign-in in progress, its verifier opened; {@code port} 0 for one the web console started. */
    record Pending(byte[] nonceDigest, String verifier, int port, String cliChallenge, byte[] browserDigest, Instant expiresAt) {
        boolean console() {
            return port == 0;
        }
    }

    /** What a one-time code stands for. */
    record Issued(OidcIdentity identity, String cliChallenge, Instant expiresAt) {
    }

    private final Tx tx;
    private final KeyVault vault;

    SignInStore(Tx tx, KeyVault vault) {
        this.tx = tx;
        this.vault = vault;
    }

    /**
     * Stores a sign-in under {@code state}, first dropping expired ones and, past {@code cap}, the
     * oldest. Replicas starting sign-ins at the same instant may each keep one over the cap: the cap
     * bounds a flood, it is not a quota.
     */
    void add(String state, String nonce, String verifier, int port, String cliChallenge, String browser, Instant now,
             Instant expiresAt, int cap) {
        byte[] stateDigest = digest(state);
        tx.inTransaction(c -> {
            expire(c, now);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM oidc_sign_ins WHERE state_digest IN (SELECT state_digest "
                    + "FROM oidc_sign_ins ORDER BY expires_at LIMIT greatest(0, (SELECT count(*) FROM oidc_sign_ins) - ? + 1))")) {
                ps.setInt(1, cap);
                ps.executeUpdate();
            }
            // A verifier sealed under a key-encryption key the vault no longer uses could not be opened by any replica.
            vault.checkCurrent(c);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO oidc_sign_ins (state_digest, nonce_digest, "
                    + "sealed_verifier, port, cli_challenge, browser_digest, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setBytes(1, stateDigest);
                ps.setBytes(2, digest(nonce));
                ps.setBytes(3, vault.seal(verifier.getBytes(StandardCharsets.US_ASCII), aad(stateDigest)));
                ps.setInt(4, port);
                ps.setString(5, cliChallenge);
                ps.setBytes(6, browser == null ? null : digest(browser));
                ps.setTimestamp(7, Timestamp.from(expiresAt));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Takes sign-in {@code state}, once; empty when unknown or already taken. */
    Optional<Pending> take(String state) {
        byte[] stateDigest = digest(state);
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM oidc_sign_ins WHERE state_digest = ? RETURNING "
                    + "nonce_digest, sealed_verifier, port, cli_challenge, browser_digest, expires_at")) {
                ps.setBytes(1, stateDigest);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    // Refused (and the row kept, by the rollback) on a replica whose vault another re-keyed.
                    vault.checkCurrent(c);
                    byte[] verifier = vault.open(rs.getBytes("sealed_verifier"), aad(stateDigest));
                    try {
                        return Optional.of(new Pending(rs.getBytes("nonce_digest"), new String(verifier, StandardCharsets.US_ASCII),
                                rs.getInt("port"), rs.getString("cli_challenge"), rs.getBytes("browser_digest"),
                                rs.getTimestamp("expires_at").toInstant()));
                    } finally {
                        Arrays.fill(verifier, (byte) 0);
                    }
                }
            }
        });
    }

    void addCode(String code, OidcIdentity identity, String cliChallenge, Instant expiresAt) {
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO oidc_sign_in_codes (code_digest, idp_issuer, idp_subject, "
                    + "idp_groups, roles, cli_challenge, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setBytes(1, digest(code));
                ps.setString(2, identity.issuer());
                ps.setString(3, identity.subject());
                ps.setArray(4, c.createArrayOf("text", identity.groups().toArray()));
                ps.setArray(5, c.createArrayOf("text", identity.roles().stream().map(Role::value).toArray()));
                ps.setString(6, cliChallenge);
                ps.setTimestamp(7, Timestamp.from(expiresAt));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Takes one-time {@code code}, once; empty when unknown or already taken. */
    Optional<Issued> takeCode(String code) {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM oidc_sign_in_codes WHERE code_digest = ? RETURNING "
                    + "idp_issuer, idp_subject, idp_groups, roles, cli_challenge, expires_at")) {
                ps.setBytes(1, digest(code));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Set<Role> roles = EnumSet.noneOf(Role.class);
                    for (String r : strings(rs.getArray("roles"))) {
                        Role.parse(r).ifPresent(roles::add);
                    }
                    return Optional.of(new Issued(new OidcIdentity(rs.getString("idp_issuer"), rs.getString("idp_subject"),
                            strings(rs.getArray("idp_groups")), roles), rs.getString("cli_challenge"),
                            rs.getTimestamp("expires_at").toInstant()));
                }
            }
        });
    }

    /** Deletes the sign-ins and codes past their expiry at {@code now}; answers how many. */
    static int expire(Connection c, Instant now) throws SQLException {
        int n = 0;
        for (String table : List.of("oidc_sign_ins", "oidc_sign_in_codes")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE expires_at < ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                n += ps.executeUpdate();
            }
        }
        return n;
    }

    static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static String aad(byte[] stateDigest) {
        return "oidc_sign_in/" + HexFormat.of().formatHex(stateDigest) + "/verifier";
    }

    private static List<String> strings(Array array) throws SQLException {
        return List.of((String[]) array.getArray());
    }
}
