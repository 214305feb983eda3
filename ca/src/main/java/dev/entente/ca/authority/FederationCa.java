package dev.entente.ca.authority;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.vault.Pkcs11Token;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.StoredKey;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hub's federation CA keys and the moves a CA rotation makes on them.
 *
 * <p>Everything that matters is in PostgreSQL: the private keys are sealed in {@code sealed_keys}
 * (purpose {@value #PURPOSE}), or under {@code entente.keys.store: pkcs11} generated in a PKCS#11
 * token and only catalogued there, and the {@code certificate_authorities} row says which key signs and
 * which are old and new during a rotation (see {@link CaKeys} for the arrangements). So a hub
 * restarted mid-rotation, or another replica, sees the same keys; this object only caches keys it
 * has opened, by id, which is safe because a key id never changes its key.
 *
 * <p>The move methods are the effects the rotation lifecycle runs, one per transition, on the
 * lifecycle's connection so the key move and the phase change commit together:
 *
 * <pre>
 * standby  --START-->    init            {@link #startRotation}           new key generated, both trusted, old signs
 * init     --ADVANCE-->  update_clients  {@link #switchSigningToStandby}  new key signs
 * update_servers --ADVANCE--> standby    {@link #dropOldKey}              old key retired, leaves the bundle
 * init|update_* --ROLLBACK--> rollback   {@link #rollBack}                old key signs again, both trusted
 * rollback --ADVANCE-->  standby         {@link #discardStandby}          new key retired, leaves the bundle
 * </pre>
 *
 * Each move locks the row ({@code FOR UPDATE}), repeats as a no-op when its result already holds,
 * and refuses with {@link ErrorCode#CA_ROTATION_STEP_REJECTED} when it does not fit the current
 * arrangement (e.g. dropping the old key while it still signs).
 */
public final class FederationCa {
    /** The {@code sealed_keys.purpose} of federation CA keys. */
    public static final String PURPOSE = "ca_federation";
    /** The {@code certificate_authorities.ca_type} of this CA. */
    public static final String TYPE = "federation";

    private static final String SELECT_ROW = "SELECT signing_key_id, old_key_id, new_key_id, rotation_started_at, version "
            + "FROM certificate_authorities WHERE ca_type = '" + TYPE + "'";

    private final Tx tx;
    private final SealedKeyStore store;
    private final String hubId;
    private final CaAlgorithm algorithm;
    private final Clock clock;
    private final Pkcs11Token token;
    private final Map<String, CaKey> opened = new ConcurrentHashMap<>();

    private FederationCa(Tx tx, SealedKeyStore store, String hubId, CaAlgorithm algorithm, Clock clock, Pkcs11Token token) {
        this.tx = tx;
        this.store = store;
        this.hubId = Objects.requireNonNull(hubId);
        // a token makes ECDSA P-256 keys only (SunPKCS11 has no Ed25519)
        this.algorithm = token == null ? Objects.requireNonNull(algorithm) : CaAlgorithm.ECDSA_P256;
        this.clock = clock;
        this.token = token;
    }

    /**
     * Loads this hub's federation CA, creating its first key (of {@code algorithm}) on an empty
     * database. Hubs racing the first start serialise on an advisory lock, so exactly one key is
     * created and everyone gets its fingerprint.
     */
    public static FederationCa loadOrCreate(Tx tx, SealedKeyStore store, String hubId, CaAlgorithm algorithm,
                                            Clock clock) {
        return loadOrCreate(tx, store, hubId, algorithm, clock, null);
    }

    /**
     * As {@link #loadOrCreate(Tx, SealedKeyStore, String, CaAlgorithm, Clock)}; with a {@code token},
     * every new key (the first, and each rotation's) is generated in it as ECDSA P-256 whatever
     * {@code algorithm} says, and signs there.
     */
    public static FederationCa loadOrCreate(Tx tx, SealedKeyStore store, String hubId, CaAlgorithm algorithm,
                                            Clock clock, Pkcs11Token token) {
        FederationCa ca = new FederationCa(tx, store, hubId, algorithm, clock, token);
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('entente.ca.federation'))")) {
                ps.execute();
            }
            if (ca.readRow(c, false) == null) {
                CaKey first = ca.createKey(c, SealedKeyStore.ACTIVE);
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO certificate_authorities (ca_type, hub_id, signing_key_id) VALUES (?, ?, ?)")) {
                    ps.setString(1, TYPE);
                    ps.setString(2, hubId);
                    ps.setString(3, first.id());
                    ps.executeUpdate();
                }
            }
            return null;
        });
        return ca;
    }

    /** The hub id the CA certificates and node-certificate SANs name. */
    public String hubId() {
        return hubId;
    }

    /** The algorithm new keys get. */
    public CaAlgorithm algorithm() {
        return algorithm;
    }

    /** The key new node certificates are signed with, read now. */
    public CaKey signingKey() {
        return keys().signing();
    }

    /** The key new node certificates are signed with, read on {@code c}. */
    public CaKey signingKey(Connection c) throws SQLException {
        return keys(c).signing();
    }

    /** The current key arrangement, read on its own connection. */
    public CaKeys keys() {
        return tx.read(this::keys);
    }

    /** The current key arrangement, read on {@code c} (the caller's transaction). */
    public CaKeys keys(Connection c) throws SQLException {
        return toKeys(c, readRow(c, false));
    }

    /** The CA certificates currently trusted: the signing one, plus the standby during a rotation. */
    public List<X509Certificate> trustedCertificates(Connection c) throws SQLException {
        return keys(c).trusted().stream().map(CaKey::certificate).toList();
    }

    /**
     * START (standby → init): generates the new key, stored as {@code grace}; both keys are
     * trusted, the old one still signs. Repeating it while the new key is generated but not yet
     * signing returns the same keys.
     */
    public CaKeys startRotation(Connection c) throws SQLException {
        Row row = lockRow(c);
        if (row.rotating()) {
            if (row.signing().equals(row.oldKey())) {
                return toKeys(c, row);
            }
            throw rejected("a rotation is already under way and its new key signs; "
                    + "finish it (drop the old key) or roll it back before starting another");
        }
        CaKey next = createKey(c, SealedKeyStore.GRACE);
        update(c, row.signing(), row.signing(), next.id(), true);
        return keys(c);
    }

    /**
     * ADVANCE init → update_clients: the new key signs from now on; the old one stays trusted
     * (as {@code grace}) so peers' current certificates keep working until they renew.
     */
    public CaKeys switchSigningToStandby(Connection c) throws SQLException {
        Row row = lockRow(c);
        if (!row.rotating()) {
            throw rejected("no rotation is under way, so there is no standby key to sign with; start a rotation first");
        }
        if (row.signing().equals(row.newKey())) {
            return toKeys(c, row);
        }
        // demote first: sealed_keys allows one active key per purpose at any instant
        store.setStatus(c, row.oldKey(), SealedKeyStore.GRACE);
        store.setStatus(c, row.newKey(), SealedKeyStore.ACTIVE);
        update(c, row.newKey(), row.oldKey(), row.newKey(), false);
        return keys(c);
    }

    /**
     * ADVANCE update_servers → standby: the old key is retired and leaves the trust bundle, so
     * certificates it signed stop working. A no-op when no rotation is under way (already done).
     */
    public CaKeys dropOldKey(Connection c) throws SQLException {
        Row row = lockRow(c);
        if (!row.rotating()) {
            return toKeys(c, row);
        }
        if (!row.signing().equals(row.newKey())) {
            throw rejected("the old key still signs; switch signing to the new key (advance to update_clients) "
                    + "before dropping the old one");
        }
        store.setStatus(c, row.oldKey(), SealedKeyStore.RETIRED);
        update(c, row.signing(), null, null, false);
        return keys(c);
    }

    /**
     * ROLLBACK (init, update_clients, update_servers → rollback): the old key signs again, both
     * stay trusted so certificates already issued under the new key keep working while peers
     * renew back. A no-op when the old key already signs.
     */
    public CaKeys rollBack(Connection c) throws SQLException {
        Row row = lockRow(c);
        if (!row.rotating()) {
            throw rejected("no rotation is under way, so there is nothing to roll back");
        }
        if (row.signing().equals(row.oldKey())) {
            return toKeys(c, row);
        }
        store.setStatus(c, row.newKey(), SealedKeyStore.GRACE);
        store.setStatus(c, row.oldKey(), SealedKeyStore.ACTIVE);
        update(c, row.oldKey(), row.oldKey(), row.newKey(), false);
        return keys(c);
    }

    /**
     * ADVANCE rollback → standby: the new key is retired and leaves the trust bundle. A no-op
     * when no rotation is under way (already discarded).
     */
    public CaKeys discardStandby(Connection c) throws SQLException {
        Row row = lockRow(c);
        if (!row.rotating()) {
            return toKeys(c, row);
        }
        if (!row.signing().equals(row.oldKey())) {
            throw rejected("the new key still signs; roll back first so the old key signs again, then discard the new one");
        }
        store.setStatus(c, row.newKey(), SealedKeyStore.RETIRED);
        update(c, row.signing(), null, null, false);
        return keys(c);
    }

    private CaKey createKey(Connection c, String status) throws SQLException {
        // Sequential ids read well in `ca status`; the caller holds the row lock (or, on
        // bootstrap, the advisory lock), so two hubs cannot pick the same number.
        int n = store.byPurpose(c, PURPOSE).size() + 1;
        String id = PURPOSE + "-" + n;
        CaKey key;
        if (token == null) {
            key = CaKey.generate(id, algorithm, hubId, clock.instant());
            X509Certificate cert = key.certificate();
            store.store(c, key.id(), PURPOSE, status, key.algorithm(), cert.getPublicKey().getEncoded(),
                    Certificates.toPem(cert), key.fingerprint(), key.privateKey().getEncoded(), key.notAfter());
        } else {
            // The catalogue decides what exists: a key left under this id by a rotation that rolled back
            // (or by the newer state of a hub restored from an older backup) is not one, and goes.
            token.destroy(id);
            key = CaKey.generateInToken(id, token, hubId, clock.instant());
            X509Certificate cert = key.certificate();
            store.catalogueTokenKey(c, key.id(), PURPOSE, status, key.algorithm(), cert.getPublicKey().getEncoded(),
                    Certificates.toPem(cert), key.fingerprint(), key.notAfter());
        }
        opened.put(key.id(), key);
        return key;
    }

    private CaKey open(Connection c, String id) throws SQLException {
        CaKey cached = opened.get(id);
        if (cached != null) {
            return cached;
        }
        StoredKey stored = store.byId(c, id).orElseThrow(() -> new EntenteException(ErrorCode.KEY_MATERIAL_CORRUPT,
                "federation CA key " + id + " is named by certificate_authorities but missing from sealed_keys; "
                        + "restore the database from a backup of this hub"));
        X509Certificate cert = Certificates.parsePem(stored.certificatePem()).get(0);
        CaKey key;
        if (stored.inToken()) {
            if (token == null) {
                throw Pkcs11Token.notConfigured(id);
            }
            key = CaKey.inToken(stored.id(), cert, token.privateKey(stored.id()), token);
        } else {
            key = CaKey.of(stored.id(), stored.algorithm(), cert, Certificates.privateKey(stored.algorithm(), stored.secret()));
        }
        opened.put(id, key);
        return key;
    }

    private CaKeys toKeys(Connection c, Row row) throws SQLException {
        if (row == null) {
            throw new EntenteException(ErrorCode.NOT_FOUND, "this hub has no federation CA yet; start the hub once to create it");
        }
        return new CaKeys(open(c, row.signing()),
                row.oldKey() == null ? null : open(c, row.oldKey()),
                row.newKey() == null ? null : open(c, row.newKey()),
                row.rotationStartedAt(), row.version());
    }

    private Row lockRow(Connection c) throws SQLException {
        Row row = readRow(c, true);
        if (row == null) {
            throw new EntenteException(ErrorCode.NOT_FOUND, "this hub has no federation CA yet; start the hub once to create it");
        }
        return row;
    }

    private Row readRow(Connection c, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_ROW + (forUpdate ? " FOR UPDATE" : ""));
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            OffsetDateTime started = rs.getObject(4, OffsetDateTime.class);
            return new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                    started == null ? null : started.toInstant(), rs.getLong(5));
        }
    }

    private void update(Connection c, String signing, String oldKey, String newKey, boolean starting) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE certificate_authorities SET signing_key_id = ?, old_key_id = ?, new_key_id = ?, "
                        + "rotation_started_at = CASE WHEN ? IS NULL THEN NULL WHEN ? THEN ? ELSE rotation_started_at END, "
                        + "version = version + 1, updated_at = ? WHERE ca_type = '" + TYPE + "'")) {
            OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
            ps.setString(1, signing);
            ps.setString(2, oldKey);
            ps.setString(3, newKey);
            ps.setString(4, newKey);
            ps.setBoolean(5, starting);
            ps.setObject(6, now);
            ps.setObject(7, now);
            ps.executeUpdate();
        }
    }

    private static EntenteException rejected(String detail) {
        return new EntenteException(ErrorCode.CA_ROTATION_STEP_REJECTED, detail);
    }

    private record Row(String signing, String oldKey, String newKey, Instant rotationStartedAt, long version) {
        boolean rotating() {
            return newKey != null;
        }
    }
}
