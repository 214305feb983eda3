package dev.entente.ca.vault;

import dev.entente.ca.crypto.Aead;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import javax.crypto.AEADBadTagException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;

/**
 * A column of blobs sealed by the {@link KeyVault}, as {@link KeyVault#rekey} re-seals it: which
 * table and column, the row's key column, and the SQL expression that gives each row's AAD (the
 * same text the code sealed it with). The names are the code's constants, never input.
 *
 * @param aadSql an expression over the row, e.g. {@code id} or {@code 'approval/' || id || '/arguments'}
 */
public record SealedColumn(String table, String idColumn, String blobColumn, String aadSql) {

    /** Re-seals every non-null blob from {@code from} to {@code to} on {@code c}; answers how many. */
    int reseal(Connection c, byte[] from, byte[] to) throws SQLException {
        int n = 0;
        try (PreparedStatement select = c.prepareStatement("SELECT " + idColumn + ", (" + aadSql + ")::text, " + blobColumn
                + " FROM " + table + " WHERE " + blobColumn + " IS NOT NULL FOR UPDATE");
             PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET " + blobColumn + " = ? WHERE "
                     + idColumn + " = ?");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                Object id = rs.getObject(1);
                byte[] aad = rs.getString(2).getBytes(StandardCharsets.UTF_8);
                byte[] plain;
                try {
                    plain = Aead.open(from, rs.getBytes(3), aad);
                } catch (AEADBadTagException e) {
                    throw new EntenteException(ErrorCode.KEY_MATERIAL_CORRUPT, table + "." + blobColumn + " of " + id
                            + " does not open under the current key: it was altered or copied from another row; "
                            + "nothing was re-keyed, the current passphrase still opens everything");
                }
                try {
                    update.setBytes(1, Aead.seal(to, plain, aad));
                } finally {
                    Arrays.fill(plain, (byte) 0);
                }
                update.setObject(2, id);
                update.executeUpdate();
                n++;
            }
        }
        return n;
    }
}
