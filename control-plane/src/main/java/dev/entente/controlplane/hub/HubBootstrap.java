package dev.entente.controlplane.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.jws.TokenKeySource;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.tls.HubTlsCertificates;
import dev.entente.ca.vault.KeyVault;
import dev.entente.ca.vault.PassphraseFile;
import dev.entente.ca.vault.Passphrases;
import dev.entente.ca.vault.Pkcs11Token;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.TokenKeyring;
import dev.entente.ca.vault.VaultAuditKeyring;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.security.Role;
import dev.entente.ca.tls.TlsState;
import dev.entente.controlplane.tls.HubTlsEndpoint;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.DataContext;
import dev.entente.lifecycle.db.Tx;
import io.micronaut.context.ApplicationContext;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a data directory and settings into what only a start can make ({@link Booted}): database (embedded or
 * external) and migrations, the key vault, the hub identity and its keys, and the files the
 * local CLI reads. The first run creates everything; later runs reuse all of it, so the hub id
 * and TLS fingerprint never change across restarts.
 */
public final class HubBootstrap {
    /** Validity of the local admin token written to {@code <data-dir>/admin.token}. */
    public static final Duration ADMIN_TOKEN_TTL = Duration.ofDays(365);
    private static final long BOOTSTRAP_LOCK = 0x656e74656e7465L; // "entente"

    private HubBootstrap() {
    }

    /**
     * What the bootstrap made, registered in the Micronaut context by {@link HubLauncher}; every other
     * bean is built from these.
     */
    public record Booted(HubSettings settings, HubIdentity identity, Clock clock, Tx tx, AuditLog audit,
                         VaultAuditKeyring auditKeys, SealedKeyStore keys, TokenKeyring tokenKeys, OperatorTokens tokens,
                         TlsState tls, HubTlsEndpoint tlsEndpoint, PassphraseFile passphraseFile, EmbeddedDatabase embeddedDatabase,
                         AutoCloseable databaseCloser, Pkcs11Token token) {
        /** Closes the pool, stops the embedded database if this hub runs one, releases the data dir. */
        public void closeDatabase() {
            try {
                databaseCloser.close();
            } catch (Exception ignored) {
                // shutting down: the pool's own log says what failed
            }
        }
    }

    /**
     * @param context the bean context whose generated repositories run on the hub's database: the
     *                pool is registered into it here, before any of them is created
     */
    public static Booted boot(HubSettings settings, Map<String, String> env, Clock clock, ApplicationContext context) {
        Path dataDir = settings.dataDir();
        ensurePrivateDir(dataDir);
        DataDirLock lock = DataDirLock.acquire(dataDir);
        char[] passphrase = Passphrases.resolve(dataDir, env);
        PassphraseFile passphraseFile = new PassphraseFile(Passphrases.fromFile(env) ? dataDir : null);
        EmbeddedDatabase embedded = null;
        HikariDataSource ds = null;
        try {
            // Before the database, so a token that cannot be used leaves nothing started.
            Pkcs11Token token = KeyStoreSettings.from(context).open();
            String url = settings.dbUrl();
            if (url == null) {
                embedded = EmbeddedDatabase.start(dataDir.resolve("pg"), settings.database());
                ds = dataSource(embedded.jdbcUrl(), embedded.hubUser(), embedded.hubPassword());
            } else {
                ds = dataSource(url, settings.dbUser(), settings.dbPassword());
            }
            migrate(ds);
            Tx tx = DataContext.register(context, ds);
            KeyVault vault = passphraseFile.open(tx, passphrase);
            SealedKeyStore keys = new SealedKeyStore(tx, vault);
            Identity identity = tx.inTransaction(c -> createIdentity(c, settings, keys, token, clock));
            VaultAuditKeyring keyring = VaultAuditKeyring.load(keys, tx);
            AuditLog audit = new AuditLog(keyring, clock);
            if (identity.created()) {
                tx.inTransaction(c -> audit.append(c, AuditEvent.of(EventSource.HUB, AuditEventType.HUB_CREATED, identity.hubId(),
                        Map.of("name", identity.name()))));
            }
            HubTlsCertificates tlsCerts = new HubTlsCertificates(keys, settings.tlsCertValidity());
            TlsKey served = tlsCerts.active();
            HubTlsEndpoint tlsEndpoint = new HubTlsEndpoint(served);
            TlsState tls = new TlsState(served, tlsCerts.graceFingerprints(clock.instant(), settings.tlsRotationGrace()),
                    tlsEndpoint);
            TokenKeyring tokenKeys = TokenKeyring.load(keys, token);
            OperatorTokens tokens = new OperatorTokens(identity.hubId(), tokenKeys, clock, settings.clockSkew());
            HubIdentity hub = new HubIdentity(settings, identity.hubId(), identity.name(), clock, embedded);
            HikariDataSource pool = ds;
            EmbeddedDatabase db = embedded;
            // Order matters: no pool connection may outlive the server, and the lock goes last.
            AutoCloseable closer = () -> {
                pool.close();
                if (db != null) {
                    db.close(); // the watchdog too: a stopped hub must not restart its server
                }
                lock.close();
            };
            writeAdminToken(settings.dataDir(), tokens, tx, audit, clock);
            if (embedded != null) {
                embedded.watch(new DatabaseWatch(tx, audit, hub));
            }
            return new Booted(settings, hub, clock, tx, audit, keyring, keys, tokenKeys, tokens, tls, tlsEndpoint, passphraseFile, embedded,
                    closer, token);
        } catch (RuntimeException e) {
            if (ds != null) {
                ds.close();
            }
            if (embedded != null) {
                embedded.stop();
            }
            lock.close();
            throw e;
        }
    }

    private record Identity(String hubId, String name, boolean created) {
    }

    private static Identity createIdentity(Connection c, HubSettings settings, SealedKeyStore keys, Pkcs11Token token,
                                           Clock clock) throws SQLException {
        // Two replicas starting on one empty database must not mint two identities.
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, BOOTSTRAP_LOCK);
            ps.execute();
        }
        String hubId = null;
        String name = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT hub_id, name FROM hub");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                hubId = rs.getString(1);
                name = rs.getString(2);
            }
        }
        boolean created = hubId == null;
        if (created) {
            byte[] id = new byte[4];
            new SecureRandom().nextBytes(id);
            hubId = "hub_" + HexFormat.of().formatHex(id);
            name = settings.name();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO hub (hub_id, name) VALUES (?, ?)")) {
                ps.setString(1, hubId);
                ps.setString(2, name);
                ps.executeUpdate();
            }
        }
        Instant now = clock.instant();
        new HubTlsCertificates(keys, settings.tlsCertValidity()).createIfMissing(c, hubId, settings.subjectAltNames(), now);
        TokenKeyring.createIfMissing(c, keys, token);
        return new Identity(hubId, name, created);
    }

    /**
     * Keeps {@code <data-dir>/admin.token} valid: reused when it still verifies, has a month left
     * and was not revoked, otherwise replaced (e.g. the data dir was restored next to another
     * database, or an admin revoked it: a restart is how to get a new one).
     */
    private static void writeAdminToken(Path dataDir, OperatorTokens tokens, Tx tx, AuditLog audit, Clock clock) {
        Path file = dataDir.resolve(ADMIN_TOKEN_FILE);
        if (Files.isRegularFile(file)) {
            try {
                var principal = tokens.verify(Files.readString(file).trim());
                if (principal.expiresAt().isAfter(clock.instant().plus(Duration.ofDays(30)))
                        && !isRevoked(tx, principal.tokenId())) {
                    return;
                }
            } catch (EntenteException | IOException e) {
                // not ours, signed by a retired key, or expiring: fall through and issue a fresh one
            }
        }
        OperatorTokens.Issued issued = tx.inTransaction(c -> issueAdminToken(c, tokens, tokens.signingKey(), audit,
                EventSource.HUB.actor()));
        writePrivate(file, issued.token() + "\n");
    }

    /** The name of the local admin token's file in the data dir. */
    public static final String ADMIN_TOKEN_FILE = "admin.token";

    /**
     * Issues and records a new root admin token signed by {@code key} on {@code c}, as {@code issuer},
     * with its audit event; the caller writes it to {@value #ADMIN_TOKEN_FILE} once {@code c} commits.
     */
    public static OperatorTokens.Issued issueAdminToken(Connection c, OperatorTokens tokens, TokenKeySource.SigningKey key,
                                                        AuditLog audit, String issuer) throws SQLException {
        OperatorTokens.Issued issued = tokens.issue("admin", Set.of(Role.ADMIN), ADMIN_TOKEN_TTL, List.of(), key);
        recordToken(c, issued, issuer);
        audit.append(c, AuditEvent.of(EventSource.HUB, AuditEventType.OPERATOR_TOKEN_ISSUED, "admin",
                Map.of("roles", List.of("admin"), "expires_at", issued.expiresAt().toString(), "file", ADMIN_TOKEN_FILE,
                        "jti", issued.jti().toString())));
        return issued;
    }

    private static boolean isRevoked(Tx tx, String jti) {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM operator_tokens WHERE jti = ?::uuid AND revoked_at IS NOT NULL")) {
                ps.setString(1, jti);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    public static void recordToken(Connection c, OperatorTokens.Issued issued, String issuedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO operator_tokens (jti, subject, roles, issued_by, expires_at, minted_by) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, issued.jti());
            ps.setString(2, issued.subject());
            ps.setArray(3, c.createArrayOf("text", issued.roles().stream().map(Role::value).sorted().toArray()));
            ps.setString(4, issuedBy);
            ps.setTimestamp(5, Timestamp.from(issued.expiresAt()));
            ps.setArray(6, c.createArrayOf("text", issued.mintedBy().toArray()));
            ps.executeUpdate();
        }
    }

    /** Writes the public files the CLI reads: the hub certificate and where to reach the hub. */
    public static void writeLocalFiles(HubSettings settings, HubIdentity hub, TlsState state) {
        Path dir = settings.dataDir();
        TlsKey tls = state.current();
        writeAtomically(dir.resolve("tls").resolve("hub.crt"), Certificates.toPem(tls.certificate()));
        LocalHubFile local = new LocalHubFile(hub.hubId(), settings.localUrl(hub.boundPort()), hub.publicUrl(),
                tls.fingerprint(), state.graceFingerprints(), ProcessHandle.current().pid());
        writeAtomically(dir.resolve("hub.json"), local.json() + "\n");
    }

    /** {@code hub.json}: where the local CLI reaches this hub and which certificates it pins. */
    record LocalHubFile(@JsonProperty("hub_id") String hubId, String url, @JsonProperty("public_url") String publicUrl,
                        @JsonProperty("tls_fingerprint") String tlsFingerprint,
                        @JsonProperty("grace_fingerprints") List<String> graceFingerprints, long pid) {
        private static final ObjectMapper JSON = new ObjectMapper();

        String json() {
            try {
                return JSON.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static HikariDataSource dataSource(String url, String user, String password) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        if (user != null) {
            cfg.setUsername(user);
        }
        if (password != null) {
            cfg.setPassword(password);
        }
        cfg.setPoolName("entente");
        cfg.setMaximumPoolSize(16);
        // Fail fast when the database is gone, so /healthz answers 503 in seconds, not 30.
        cfg.setConnectionTimeout(2_000);
        cfg.setValidationTimeout(1_000);
        cfg.setInitializationFailTimeout(15_000);
        try {
            return new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            throw new EntenteException(ErrorCode.DATABASE_UNREACHABLE,
                    "cannot connect to " + url + ": " + rootMessage(e) + "; check --db-url and that PostgreSQL is up", e);
        }
    }

    private static void migrate(HikariDataSource ds) {
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        } catch (FlywayException e) {
            throw new EntenteException(ErrorCode.DATABASE_UNREACHABLE, "migrations failed: " + rootMessage(e), e);
        }
    }

    private static void ensurePrivateDir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            Files.createDirectories(dir.resolve("tls"));
            if (!Files.isWritable(dir)) {
                throw new IOException("not writable");
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE,
                    "cannot use data dir " + dir + ": " + e.getMessage() + "; pass --data-dir to a writable directory", e);
        }
    }

    /** Creates a 0600 file atomically: the secret is never readable by others, not even briefly. */
    static void writePrivate(Path file, String content) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
