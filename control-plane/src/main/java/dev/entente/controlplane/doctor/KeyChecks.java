package dev.entente.controlplane.doctor;

import dev.entente.ca.jws.TokenKeySource;
import dev.entente.ca.vault.KeyVault;
import dev.entente.controlplane.hub.HubBootstrap;
import dev.entente.federation.doctor.Checks;
import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a key rotation or rekey can leave undone on this process: DR028, the vault was re-keyed by
 * another process (this one holds the old key-encryption key); DR029, the data dir's
 * {@code admin.token} is signed by a retired token-signing key (a rotation made by another
 * replica, or the file could not be written), so the local CLI is refused.
 */
public final class KeyChecks {
    private final Tx tx;
    private final KeyVault vault;
    private final TokenKeySource tokenKeys;
    private final Path dataDir;

    public KeyChecks(Tx tx, KeyVault vault, TokenKeySource tokenKeys, Path dataDir) {
        this.tx = tx;
        this.vault = vault;
        this.tokenKeys = tokenKeys;
        this.dataDir = dataDir;
    }

    public List<DoctorCheck> all() {
        return List.of(Checks.of(DoctorCode.DR028, true, this::vaultRekeyed),
                Checks.of(DoctorCode.DR029, false, this::adminTokenRetired));
    }

    private List<Finding> vaultRekeyed(Instant now) {
        if (tx.read(vault::isCurrent)) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR028, "the key vault was re-keyed by another process since this one started: "
                + "it holds the old key-encryption key and can neither seal nor open keys", "entente doctor --explain DR028",
                "key_vault"));
    }

    private List<Finding> adminTokenRetired(Instant now) {
        Path file = dataDir.resolve(HubBootstrap.ADMIN_TOKEN_FILE);
        String token;
        try {
            token = Files.isRegularFile(file) ? Files.readString(file).trim() : null;
        } catch (IOException e) {
            return List.of();
        }
        Optional<TokenKeySource.VerifyingKey> retired = token == null ? Optional.empty() : tokenKeys.retiredSigner(token);
        return retired.map(k -> List.of(Finding.of(DoctorCode.DR029, file + " is signed by token-signing key " + k.id()
                + ", retired at " + k.retiredAt() + ": the local CLI is refused with auth_token_key_rotated; restart this "
                + "hub to have it re-issued", "entente doctor --explain DR029", k.id()))).orElse(List.of());
    }
}
