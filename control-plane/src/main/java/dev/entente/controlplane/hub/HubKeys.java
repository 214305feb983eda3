package dev.entente.controlplane.hub;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.entente.ca.anchor.AnchorKey;
import dev.entente.ca.authority.FederationCa;
import dev.entente.ca.crypto.Argon2id;
import dev.entente.ca.tls.HubTlsCertificates;
import dev.entente.ca.vault.KeyVault;
import dev.entente.ca.vault.PassphraseFile;
import dev.entente.ca.vault.Passphrases;
import dev.entente.ca.vault.Pkcs11Token;
import dev.entente.ca.vault.SealedColumn;
import dev.entente.controlplane.security.oidc.OidcSignIn;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.TokenKeyring;
import dev.entente.ca.vault.VaultAuditKeyring;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hub's keys as operators see them ({@code entente keys list}) and the vault's rekey
 * ({@code entente keys rekey}). Rotations are operator commands, gated like other sensitive
 * actions; a rekey is not: it carries two passphrases, which must never rest in an approval row.
 */
@Singleton
public class HubKeys {
    /** Where a key sealed in PostgreSQL by the key vault lives. */
    public static final String SEALED = SealedKeyStore.SEALED;

    private final SealedKeyStore keys;
    private final Tx tx;
    private final AuditLog audit;
    private final PassphraseFile passphraseFile;
    private final Pkcs11Token token;

    public HubKeys(SealedKeyStore keys, Tx tx, AuditLog audit, PassphraseFile passphraseFile, @Nullable Pkcs11Token token) {
        this.keys = keys;
        this.tx = tx;
        this.audit = audit;
        this.passphraseFile = passphraseFile;
        this.token = token;
    }

    /**
     * One key in {@code keys list}.
     *
     * @param type        what it is for: token-signing, audit-hmac, tls, federation-ca, audit-anchor, node
     * @param owner       the peer a node key serves, else null
     * @param status      current, grace, next or retired
     * @param store       where its private part lives: {@value #SEALED}, or {@code pkcs11:<token label>}
     */
    @JsonPropertyOrder({"type", "id", "fingerprint", "algorithm", "status", "created_at", "retired_at", "not_after", "owner",
            "store"})
    public record KeyView(@JsonProperty("type") String type, @JsonProperty("id") String id,
                          @JsonProperty("fingerprint") String fingerprint, @JsonProperty("algorithm") String algorithm,
                          @JsonProperty("status") String status, @JsonProperty("created_at") String createdAt,
                          @JsonProperty("retired_at") String retiredAt, @JsonProperty("not_after") String notAfter,
                          @JsonProperty("owner") String owner, @JsonProperty("store") String store) {
    }

    /** Every key, of {@code type} when given; no secret is opened. */
    public List<KeyView> list(String type) {
        List<KeyView> out = new ArrayList<>();
        for (SealedKeyStore.KeyEntry k : keys.list()) {
            String[] typeAndOwner = typeOf(k.purpose());
            if (type != null && !type.equals(typeAndOwner[0])) {
                continue;
            }
            out.add(new KeyView(typeAndOwner[0], k.id(), k.fingerprint(), k.algorithm(), statusOf(k.status()),
                    text(k.createdAt()), text(k.retiredAt()), text(k.notAfter()), typeAndOwner[1], where(k.store())));
        }
        return out;
    }

    /** The types {@code keys list --type} takes. */
    public static final List<String> TYPES = List.of("token-signing", "audit-hmac", "tls", "federation-ca", "audit-anchor",
            "node");

    private static String[] typeOf(String purpose) {
        return switch (purpose) {
            case TokenKeyring.PURPOSE -> new String[]{"token-signing", null};
            case VaultAuditKeyring.PURPOSE -> new String[]{"audit-hmac", null};
            case HubTlsCertificates.PURPOSE -> new String[]{"tls", null};
            case FederationCa.PURPOSE -> new String[]{"federation-ca", null};
            case AnchorKey.PURPOSE -> new String[]{"audit-anchor", null};
            default -> purpose.startsWith("node_pending_") ? new String[]{"node", purpose.substring("node_pending_".length())}
                    : purpose.startsWith("node_") ? new String[]{"node", purpose.substring("node_".length())}
                    : new String[]{purpose, null};
        };
    }

    /** {@code pkcs11:<label>} for a key in the token this hub is configured with, else the stored name. */
    private String where(String store) {
        return Pkcs11Token.STORE.equals(store) && token != null ? token.where() : store;
    }

    private static String statusOf(String status) {
        return SealedKeyStore.ACTIVE.equals(status) ? "current" : status;
    }

    private static String text(Object instant) {
        return instant == null ? null : instant.toString();
    }

    /**
     * What a rekey did.
     *
     * @param passphrase where the new passphrase now is: the data dir's file, or the environment variable to change
     */
    @JsonPropertyOrder({"rekeyed", "blobs", "kdf", "passphrase", "detail"})
    public record Rekeyed(@JsonProperty("rekeyed") int rekeyed, @JsonProperty("blobs") Map<String, Integer> blobs,
                          @JsonProperty("kdf") Map<String, Object> kdf, @JsonProperty("passphrase") String passphrase,
                          @JsonProperty("detail") String detail) {
    }

    /**
     * Re-seals every sealed blob under {@code next}, in one transaction with its audit event; the
     * data dir's passphrase file follows when the hub reads its passphrase from there.
     */
    public Rekeyed rekey(char[] current, char[] next, String operator) {
        KeyVault vault = keys.vault();
        List<SealedColumn> columns = new ArrayList<>();
        columns.add(SealedKeyStore.SEALED_SECRETS);
        columns.addAll(ApprovalGate.SEALED_COLUMNS);
        columns.addAll(OidcSignIn.SEALED_COLUMNS);
        // Staged before the commit, moved into place after: a hub stopped in between finds it at start.
        passphraseFile.stage(next);
        KeyVault.Rekeyed done;
        try {
            done = vault.rekey(tx, current, next, Argon2id.Params.forNewVault(), columns, (c, rekeyed) ->
                    audit.append(c, AuditEvent.of(AuditEventType.KEYS_VAULT_REKEYED, operator, "key_vault",
                            AuditDetails.of("passphrase", passphraseFile.used() ? "file" : Passphrases.ENV)
                                    .put("blobs", rekeyed.total()))));
        } catch (RuntimeException e) {
            passphraseFile.discard();
            throw e;
        }
        passphraseFile.commit();
        Argon2id.Params p = done.params();
        String where = passphraseFile.used() ? passphraseFile.file().toString() : Passphrases.ENV;
        return new Rekeyed(done.total(), done.blobs(), Map.of("name", Argon2id.NAME, "memory_kib", p.memoryKib(),
                "iterations", p.iterations(), "parallelism", p.parallelism()), where, passphraseFile.used()
                ? "every sealed key is now sealed under the new passphrase, written to " + where + " (mode 0600); the old "
                + "passphrase no longer opens this database, but still opens backups taken before: keep it as long as them"
                : "every sealed key is now sealed under the new passphrase; this hub read its passphrase from " + Passphrases.ENV
                + ": set it to the new one before the next start of every process on this database; the old passphrase "
                + "still opens backups taken before: keep it as long as them");
    }
}
