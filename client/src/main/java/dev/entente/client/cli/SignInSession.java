package dev.entente.client.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The session {@code entente login} stored: the hub it is for, that hub's pinned certificate and
 * the session token. Kept in {@code $XDG_CONFIG_HOME/entente/session} (else
 * {@code ~/.config/entente/session}), readable by its owner only; every client command uses it
 * when neither {@code ENTENTE_TOKEN} nor another hub is given.
 */
record SignInSession(@JsonProperty("hub") String hub,
                     @JsonProperty("tls_fingerprints") List<String> tlsFingerprints,
                     @JsonProperty("token") String token,
                     @JsonProperty("subject") String subject,
                     @JsonProperty("roles") List<String> roles,
                     @JsonProperty("expires_at") String expiresAt) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the session of the user {@code env} describes lives. */
    static Path file(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(Optional.ofNullable(env.get("HOME")).filter(h -> !h.isBlank()).orElse(System.getProperty("user.home")), ".config");
        return config.resolve("entente").resolve("session");
    }

    /** The stored session; empty when there is none or it cannot be read. */
    static Optional<SignInSession> load(Map<String, String> env) {
        Path file = file(env);
        try {
            return Files.isReadable(file) ? Optional.of(JSON.readValue(file.toFile(), SignInSession.class)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes the session readable by its owner only: created 0600, then moved into place. */
    void save(Map<String, String> env) {
        Path file = file(env);
        try {
            Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path tmp = Files.createTempFile(file.getParent(), ".session", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, JSON.writeValueAsBytes(this));
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the session to " + file, e);
        }
    }

    static boolean delete(Map<String, String> env) {
        try {
            return Files.deleteIfExists(file(env));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the session " + file(env), e);
        }
    }

    /** Whether this session is for {@code url} (trailing slashes aside). */
    boolean isFor(String url) {
        return url != null && strip(url).equals(strip(hub));
    }

    private static String strip(String u) {
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }
}
