package dev.entente.ca.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.entente.ca.vault.KeyVault;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json}, the last entry of a backup archive: who was backed up, at which schema
 * version, and for each table its columns, row count and the SHA-256 of its entry.
 *
 * @param schemaVersion the highest applied migration, e.g. {@code 8}
 * @param migrations    every applied migration version, so a restore can tell whether it knows them all
 * @param keyVault      the {@code key_vault} row (salt, KDF cost, check blob; nothing secret), so a
 *                      restore checks the passphrase before it creates anything
 * @param sequences     last values of the schema's sequences
 * @param excluded      tables deliberately not carried (see {@link SchemaCatalog})
 */
public record BackupManifest(int formatVersion, String hubId, String hubName, String schemaVersion,
                             List<String> migrations, String createdAt, String postgresVersion,
                             KeyVault.Header keyVault, List<Table> tables, Map<String, Long> sequences,
                             List<String> excluded) {
    /** The value of {@code format}: tells an Entente backup from any other zip. */
    public static final String FORMAT = "entente-backup";
    /** The archive layout this binary writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    public static final String ENTRY = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One table's entry: {@code tables/<name>.copy} in PostgreSQL's COPY text format. */
    public record Table(String name, String entry, List<String> columns, long rows, long bytes, String sha256) {
    }

    public long totalRows() {
        return tables.stream().mapToLong(Table::rows).sum();
    }

    public byte[] toJson() {
        KeyVaultEntry vault = new KeyVaultEntry(keyVault.kdf(), b64(keyVault.salt()), keyVault.memoryKib(),
                keyVault.iterations(), keyVault.parallelism(), b64(keyVault.checkBlob()));
        try {
            return JSON.writeValueAsBytes(new Written(FORMAT, formatVersion, hubId, hubName, schemaVersion, migrations,
                    createdAt, postgresVersion, vault, tables, sequences, excluded));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code manifest.json} as written, members in this order; {@link #parse} reads it back. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Written(String format, int formatVersion, String hubId, String hubName, String schemaVersion,
                   List<String> migrations, String createdAt, String postgresVersion, KeyVaultEntry keyVault,
                   List<Table> tables, Map<String, Long> sequences, List<String> excluded) {
    }

    /** The {@code key_vault} member: the vault header with its bytes in base64. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record KeyVaultEntry(String kdf, String salt, int memoryKib, int iterations, int parallelism, String checkBlob) {
    }

    /**
     * Parses a manifest.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static BackupManifest parse(byte[] json) {
        JsonNode m;
        try {
            m = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("manifest.json is not JSON: " + e.getMessage());
        }
        if (!FORMAT.equals(m.path("format").asText())) {
            throw new IllegalArgumentException("manifest.json does not say format " + FORMAT);
        }
        JsonNode kv = required(m, "key_vault");
        KeyVault.Header header = new KeyVault.Header(text(kv, "kdf"), unb64(text(kv, "salt")),
                number(kv, "memory_kib"), number(kv, "iterations"), number(kv, "parallelism"),
                unb64(text(kv, "check_blob")));
        List<Table> tables = new ArrayList<>();
        for (JsonNode t : required(m, "tables")) {
            List<String> columns = new ArrayList<>();
            required(t, "columns").forEach(col -> columns.add(col.asText()));
            tables.add(new Table(text(t, "name"), text(t, "entry"), columns, required(t, "rows").asLong(),
                    required(t, "bytes").asLong(), text(t, "sha256")));
        }
        List<String> migrations = new ArrayList<>();
        required(m, "migrations").forEach(v -> migrations.add(v.asText()));
        Map<String, Long> sequences = new LinkedHashMap<>();
        m.path("sequences").fields().forEachRemaining(e -> sequences.put(e.getKey(), e.getValue().asLong()));
        List<String> excluded = new ArrayList<>();
        m.path("excluded").forEach(v -> excluded.add(v.asText()));
        return new BackupManifest(number(m, "format_version"), text(m, "hub_id"), text(m, "hub_name"),
                text(m, "schema_version"), migrations, text(m, "created_at"), m.path("postgres_version").asText(null),
                header, tables, sequences, excluded);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("manifest.json lacks " + field);
        }
        return v;
    }

    private static String text(JsonNode node, String field) {
        return required(node, field).asText();
    }

    private static int number(JsonNode node, String field) {
        JsonNode v = required(node, field);
        if (!v.canConvertToInt()) {
            throw new IllegalArgumentException("manifest.json: " + field + " is not a number");
        }
        return v.asInt();
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] unb64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("manifest.json holds invalid base64: " + e.getMessage());
        }
    }
}
