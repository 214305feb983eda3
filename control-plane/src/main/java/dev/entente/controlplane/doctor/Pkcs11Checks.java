package dev.entente.controlplane.doctor;

import dev.entente.ca.vault.Pkcs11Token;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.federation.doctor.Checks;
import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;
import dev.entente.lifecycle.error.EntenteException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Under {@code entente.keys.store: pkcs11}, the token as the hub needs it now: DR030, the token
 * does not answer (removed, its module or daemon gone), so no CA certificate or token can be
 * signed; DR031, a key the catalogue says is in use and held by the token is not in it (the hub
 * runs on another token than its keys were made in, or the key was deleted). The start opens the
 * token, but either can happen while the hub runs. Both are registered under every key store, so
 * the doctor keeps one check per code: without a token, DR030 has nothing to reach, and DR031
 * names a catalogued token key this process was started without the settings to reach.
 */
public final class Pkcs11Checks {
    private final Pkcs11Token token;
    private final SealedKeyStore keys;

    /** @param token the hub's token, or null when this process runs with {@code entente.keys.store: sealed} */
    public Pkcs11Checks(Pkcs11Token token, SealedKeyStore keys) {
        this.token = token;
        this.keys = keys;
    }

    public List<DoctorCheck> all() {
        return List.of(Checks.of(DoctorCode.DR030, false, this::unreachable),
                Checks.of(DoctorCode.DR031, true, this::missing));
    }

    private List<Finding> unreachable(Instant now) {
        if (token == null) {
            return List.of();
        }
        try {
            token.aliases();
            return List.of();
        } catch (EntenteException e) {
            return List.of(Finding.of(DoctorCode.DR030, "PKCS#11 token '" + token.label() + "' does not answer: "
                    + e.getMessage(), "entente doctor --explain DR030", token.where()));
        }
    }

    private List<Finding> missing(Instant now) {
        Set<String> held;
        try {
            held = token == null ? Set.of() : token.aliases();
        } catch (EntenteException e) {
            return List.of(); // DR030 says so
        }
        String where = token == null ? "a PKCS#11 token, and this process runs without entente.keys.store: pkcs11 and its "
                + "settings" : "PKCS#11 token '" + token.label() + "', which does not hold it";
        List<Finding> out = new ArrayList<>();
        for (SealedKeyStore.KeyEntry k : keys.list()) {
            if (Pkcs11Token.STORE.equals(k.store()) && !SealedKeyStore.RETIRED.equals(k.status()) && !held.contains(k.id())) {
                out.add(Finding.of(DoctorCode.DR031, "key " + k.id() + " (" + k.purpose() + ", " + k.status() + ") is catalogued "
                        + "as held by " + where + ": what it signs fails with pkcs11_key_missing", "entente doctor --explain DR031",
                        k.id()));
            }
        }
        return out;
    }
}
